with source as (
    select * from {{ source('config', 'result_goals') }}
),

renamed as (
    select
        -- the result goal, as the intake accepts it
        goal,
        -- its place in the plans' order (1 first)
        position
    from source
)

select * from renamed
