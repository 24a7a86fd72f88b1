with source as (
    select * from {{ records_latest("records_assignments", ["uppdrag_id", "år", "mål"]) }}
),

renamed as (
    select
        -- the assignment
        "uppdrag_id"                                      as assignment_id,
        cast("år" as integer)                             as year,
        "uppdrag"                                         as assignment_name,
        -- classification
        "mål"                                             as goal,
        "mål_i_källan"                                    as goal_in_source,
        "område"                                          as area,
        "linje"                                           as line,
        -- who it is for and who does it
        "kommuner"                                        as municipality_codes,  -- '0123,0125', sorted
        "övriga_parter"                                   as other_parties,
        cast("externfinansierat" as boolean)              as is_externally_funded,
        "ansvarig"                                        as responsible,
        -- provenance
        {{ records_provenance_columns() }}
    from source
)

select * from renamed
