with source as (
    select * from {{ source('config', 'plan_words') }}
),

renamed as (
    select
        -- the word, as the intake accepts it
        word                                              as status,
        -- its place in the plan's order (1 first)
        position
    from source
    where word_list = 'status'
)

select * from renamed
