select municipality_code, municipality_name, region_name, county_code
from {{ source('config', 'region_members') }}
