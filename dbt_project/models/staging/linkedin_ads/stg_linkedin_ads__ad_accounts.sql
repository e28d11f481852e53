with

source as (

    select * from {{ source_or_empty('linkedin_ads', 'ad_accounts') }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast(name as varchar) as account_name,
        upper(cast(currency as varchar)) as currency_code,
        cast(timezone as varchar) as account_timezone,
        cast(status as varchar) as account_status

    from source

)

select * from renamed
