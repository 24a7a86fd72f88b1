-- The chief's key messages and decision points per steering-group meeting, in display order.
with p as (select * from {{ ref('stg_records__meeting_points') }})
select
    meeting_date,
    point_type,
    position,
    heading,
    body,
    source_document,
    record_file
from p
order by meeting_date, point_type, position
