-- Per region member × area × year: on how many KPIs (with a direction) the municipality is
-- better or worse than its similar municipalities, and on how many it improved against the
-- year before (change_assessment) and against its similar municipalities (the gap closed).
-- Generated values make a generated summary, copied ones a copied one: value_provenance.
with c as (select * from {{ ref('fct_oj_similar_comparison') }} where direction <> 'none')
select
    municipality_id,
    any_value(municipality_name)                                      as municipality_name,
    area,
    year,
    count(*) filter (where position_against_similar is not null)      as kpis_compared,
    count(*) filter (where position_against_similar = 'better')       as kpis_better_than_similar,
    count(*) filter (where position_against_similar = 'worse')        as kpis_worse_than_similar,
    count(*) filter (where position_against_similar = 'better')
          / nullif(count(*) filter (where position_against_similar is not null), 0)    as share_better_than_similar,
    count(*) filter (where change_assessment = 'better')              as kpis_improved,
    count(*) filter (where change_assessment = 'worse')               as kpis_worsened,
    count(*) filter (where change_against_similar = 'better')         as kpis_gaining_on_similar,
    count(*) filter (where change_against_similar = 'worse')          as kpis_losing_to_similar,
    case when bool_or(is_generated) then 'generated'
         when bool_or(value_provenance = 'kolada-copy') then 'kolada-copy'
         else 'kolada' end                                            as value_provenance,
    bool_or(is_generated)                                             as is_generated
from c
group by municipality_id, area, year
