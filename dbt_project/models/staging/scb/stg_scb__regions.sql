-- Region names from the newest metadata of the population tables.
select region_code, region_name
from {{ source('scb', 'scb_regions') }} r
join {{ source('scb', 'landing_files') }} f using (sha256)
qualify row_number() over (partition by region_code order by f.fetched_at desc, r.table_id) = 1
