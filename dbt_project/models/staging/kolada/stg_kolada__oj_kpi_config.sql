select kpi_id, area, direction, position as catalogue_position
from {{ source('kolada', 'oj_kpi_config') }}
