with

source as (

    select * from {{ source_or_empty('pinterest_ads', 'ad_accounts') }}

),

renamed as (

    select
        cast(ad_account_id as varchar) as account_id,
        cast(name as varchar) as account_name,
        upper(cast(currency as varchar)) as currency_code,
        cast(timezone as varchar) as account_timezone,
        cast(country as varchar) as country_code

    from source

)

select * from renamed
