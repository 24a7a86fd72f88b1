select
    id     as municipality_id,
    title  as municipality_name,
    type   as municipality_type,   -- K kommun, L region/län (0000 Riket)
    source_mode,
    fetched_at
from {{ source('kolada', 'kolada_municipalities') }}
