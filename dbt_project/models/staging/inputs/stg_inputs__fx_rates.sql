with

source as (

    select * from {{ source_or_empty('inputs', 'fx_rates') }}

),

renamed as (

    select
        cast(rate_date as date) as rate_date,
        upper(trim(cast(base_currency as varchar))) as base_currency_code,
        upper(trim(cast(quote_currency as varchar))) as quote_currency_code,
        cast(rate as numeric(18, 8)) as rate,
        cast(rate_source as varchar) as rate_source,
        cast(source_file as varchar) as source_file,
        cast(source_line as bigint) as source_line

    from source

)

select * from renamed
