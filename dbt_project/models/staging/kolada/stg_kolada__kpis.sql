-- KPI metadata from the API, with what the title and description say: the yes/no coding
-- ("(Ja=1, Nej=0)" or "(Ja=1, Nej=2)"), the unit and the source ("Källa: …").
with source as (
    select * from {{ source('kolada', 'kolada_kpis') }}
),

parsed as (
    select
        *,
        try_cast(nullif(regexp_extract(title, 'Ja\s*=\s*(\d+)', 1), '') as integer)  as yes_code,
        try_cast(nullif(regexp_extract(title, 'Nej\s*=\s*(\d+)', 1), '') as integer) as no_code
    from source
),

renamed as (
    select
        -- the KPI
        id                                     as kpi_id,
        trim(regexp_replace(title, '\s+', ' ', 'g')) as kpi_title,
        description                            as kpi_description,
        -- Kolada's metadata
        is_divided_by_gender,
        municipality_type,
        auspice,
        operating_area,
        perspective,
        prel_publication_date,
        publication_date,
        publ_period,
        has_ou_data,
        -- read from the title and description
        yes_code,
        no_code,
        case
            when yes_code is not null                       then 'ja/nej'
            when title ilike '%kr/inv%'                     then 'kr/inv'
            when title ilike '%/1000%'                      then 'antal per 1 000 invånare'
            when title ilike '%/10 000%'                    then 'antal per 10 000 invånare'
            when title ilike '%(\%)%' escape '\'            then 'procent'
            when title ilike '%dagar=%'                     then 'skala'
            when title ilike '%antal dagar%'                then 'dagar'
            when title ilike '%index%'                      then 'index'
            when title ilike '%antal%'                      then 'antal'
        end                                    as unit,
        nullif(trim(regexp_extract(description, 'Källa:?\s*(.+)$', 1)), '') as kpi_source,
        -- provenance
        source_mode,
        fetched_at
    from parsed
)

select * from renamed
