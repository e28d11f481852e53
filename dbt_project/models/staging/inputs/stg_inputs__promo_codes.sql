with

source as (

    select * from {{ source_or_empty('inputs', 'promo_codes') }}

),

renamed as (

    select
        upper(trim(cast(code as varchar))) as promo_code,
        lower(trim(cast(kind as varchar))) as promo_kind,
        lower(nullif(trim(cast(channel as varchar)), '')) as channel,
        nullif(trim(cast(campaign_id as varchar)), '') as campaign_id,
        nullif(trim(cast(influencer as varchar)), '') as influencer_name

    from source

)

select * from renamed
