-- Rank among the region's municipalities and quartile among all municipalities, per KPI,
-- year and sex, respecting the direction of "better".
--   badness: the value turned so that smaller is better (higher → -value, lower → value,
--     none → null: no rank, no quartile, no colour).
--   rank_in_region: 1 = best among the region's members with a value; ties share the best
--     rank of the tie and the next rank is skipped (1, 1, 3). No value → no rank.
--   quartile: among all n municipalities with a value, rank r the same way, then
--     quartile = floor((r - 1) * 4 / n) + 1, so 1 = best quarter, 4 = worst quarter; tied
--     municipalities share a rank and therefore a quartile.
--   quartile_colour: like Kolada's comparison view: green best quarter, red worst quarter,
--     yellow the middle half, grey when the municipality has no value; null for direction none.
with spine as (select * from {{ ref('int_oj__results_spine') }}),
turned as (
    select
        *,
        case direction when 'higher' then -value when 'lower' then value end as badness
    from spine
),
ranked as (
    select
        *,
        rank() over (partition by kpi_id, year, sex, is_region_member, badness is null order by badness)
            as rank_within,
        rank() over (partition by kpi_id, year, sex, badness is null order by badness)
            as rank_all,
        count(badness) over (partition by kpi_id, year, sex)       as municipalities_ranked,
        count(value) over (partition by kpi_id, year, sex)         as municipalities_with_value
    from turned
)
select
    kpi_id, year, sex, municipality_id, municipality_name, is_region_member, direction, value,
    is_generated, is_copy, status, refreshed_at, is_stale, stale_reason, quarantine_reason,
    case when is_region_member and badness is not null then rank_within end      as rank_in_region,
    case when badness is not null
         then cast(floor((rank_all - 1) * 4.0 / municipalities_ranked) as integer) + 1 end as quartile,
    case
        when direction = 'none'        then null
        when value is null             then 'grey'
        when floor((rank_all - 1) * 4.0 / municipalities_ranked) = 0 then 'green'
        when floor((rank_all - 1) * 4.0 / municipalities_ranked) = 3 then 'red'
        else 'yellow'
    end                                                                          as quartile_colour,
    municipalities_with_value
from ranked
