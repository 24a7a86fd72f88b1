select table_id, contents_code, first_year, coalesce(last_year, 9999) as last_year
from {{ source('config', 'population_tables') }}
