-- Population figures quoted in the unit's own records compared with SCB. Differences are
-- listed so that nobody reuses a wrong figure (the 2019 plan gives Ekerö 2016 as 27 211;
-- SCB has 27 406). The marts always use SCB.
select
    q.document,
    q.reference_date,
    q.municipality_code,
    d.municipality_name,
    q.quoted_population,
    p.population                          as scb_population,
    q.quoted_population - p.population    as difference,
    q.quoted_population is distinct from p.population as differs_from_scb,
    p.source_mode                         as scb_source_mode,
    q.record_file,
    q.source_row
from {{ ref('stg_records__quoted_population') }} q
left join {{ ref('fct_population') }} p
  on p.region_code = q.municipality_code and p.year = year(q.reference_date)
 and p.sex = 'total' and p.age_band = 'total'
left join {{ ref('dim_municipality') }} d using (municipality_code)
