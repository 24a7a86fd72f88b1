-- The cells whose latest answer was not a number (e.g. the text "12,5"), one row per KPI ×
-- place × year × sex: the load keeps no earlier value for them (ingestion/kolada/values.py), so
-- the mart shows the cell without a value and with this reason until Kolada sends a number.
with source as (
    select * from {{ source('kolada', 'kolada_quarantine') }}
),

latest as (
    select
        kpi                                   as kpi_id,
        municipality_id,
        period                                as year,
        gender                                as sex,
        raw_value,
        reason,
        quarantined_at
    from source
    qualify row_number() over (
        partition by kpi, municipality_id, period, gender order by quarantined_at desc, fetched_at desc
    ) = 1
)

select
    *,
    'quarantined ' || strftime(quarantined_at, '%Y-%m-%d') || ': ' || reason as quarantine_reason
from latest
