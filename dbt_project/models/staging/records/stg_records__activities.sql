with source as (
    select * from {{ records_latest("records_activities", ["aktivitet_id"]) }}
),

renamed as (
    select
        -- the activity
        "aktivitet_id"                                    as activity_id,
        cast("år" as integer)                             as year,
        cast("datum" as date)                             as activity_date,
        "aktivitet"                                       as activity_name,
        "aktivitetstyp"                                   as activity_type,
        -- classification
        "mål"                                             as goal,
        "område"                                          as area,
        "linje"                                           as line,
        -- who it was for
        "kommuner"                                        as municipality_codes,
        "övriga_parter"                                   as other_parties,
        "uppdrag_id"                                      as assignment_id,
        cast("deltagare" as integer)                      as participants,
        -- provenance
        {{ records_provenance_columns() }}
    from source
)

select * from renamed
