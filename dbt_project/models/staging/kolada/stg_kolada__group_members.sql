select
    group_id,
    trim(group_title)  as group_title,
    member_id          as municipality_id,
    member_title       as municipality_name,
    source_mode,
    fetched_at
from {{ source('kolada', 'kolada_groups') }}
