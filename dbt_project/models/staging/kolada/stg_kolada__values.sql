-- ÖJ values as Kolada gives them, one row per KPI × place × year × sex. Values flagged
-- deleted (only in answers asked with from_date) are dropped.
select
    kpi                                   as kpi_id,
    municipality_id,
    period                                as year,
    gender                                as sex,      -- T total, K kvinnor, M män
    value,
    nullif(status, '')                    as status,
    count                                 as member_count,
    source_mode,
    is_generated,
    sha256                                as answer_sha256,
    fetched_at
from {{ source('kolada', 'kolada_values') }}
where not coalesce(is_deleted, false)
