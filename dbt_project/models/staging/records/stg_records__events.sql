with source as (
    select * from {{ records_latest("records_events", ["år", "evenemang", "fråga"]) }}
),

renamed as (
    select
        -- the event
        cast("år" as integer)                             as year,
        cast("datum" as date)                             as event_date,
        "evenemang"                                       as event_name,
        "typ"                                             as event_type,
        cast("deltagare" as integer)                      as participants,
        -- the evaluation question and its answers
        "fråga"                                           as question,
        cast("skala_max" as integer)                      as scale_max,
        cast("svarande" as integer)                       as respondents,
        cast("medelvärde" as decimal(6, 2))               as mean_rating,
        cast("median" as decimal(6, 2))                   as median_rating,
        cast("andel_instämmer_pct" as decimal(5, 1))      as share_agreeing_pct,
        cast("andel_delvis_pct" as decimal(5, 1))         as share_partly_pct,
        -- provenance
        {{ records_provenance_columns() }}
    from source
)

select * from renamed
