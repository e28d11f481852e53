with

source as (

    select * from {{ source_or_empty('inputs', 'budgets') }}

),

renamed as (

    select
        cast("month" as date) as budget_month,
        lower(trim(cast(channel as varchar))) as channel,
        cast(budget as numeric(18, 2)) as budget_local,
        upper(trim(cast(currency as varchar))) as currency_code,
        cast(source_file as varchar) as source_file,
        cast(source_line as bigint) as source_line

    from source

)

select * from renamed
