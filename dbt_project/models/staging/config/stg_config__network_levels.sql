with source as (
    select * from {{ source('config', 'plan_words') }}
),

renamed as (
    select
        -- the word, as the intake accepts it
        word                                              as network_level,
        -- its place in the plan's order (1 first)
        position
    from source
    where word_list = 'network_level'
)

select * from renamed
