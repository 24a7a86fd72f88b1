with source as (
    select * from {{ records_latest("records_fee_parameters", ["avgiftsår"]) }}
),

renamed as (
    select
        -- the fee year and its model
        cast("avgiftsår" as integer)                      as fee_year,
        case "modell" when 'per_invånare' then 'rate_per_inhabitant'
                      when 'fast_total' then 'fixed_total'
                      when 'avstår' then 'waived' end      as fee_model,
        -- parameters
        cast("kr_per_invånare" as decimal(10, 2))         as rate_per_inhabitant,
        cast("totalbelopp_kr" as bigint)                  as total_amount_kr,
        -- the fee is based on population on 31 December two years before the fee year
        coalesce(cast("folkmängd_per" as date), make_date(cast("avgiftsår" as integer) - 2, 12, 31)) as basis_date,
        -- provenance (fee parameters have no example rows)
        {{ records_provenance_columns(["source_document", "record_file"]) }}
    from source
)

select * from renamed
