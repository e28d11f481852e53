with

source as (

    select * from {{ source_or_empty('linkedin_pages', 'organizations') }}

),

renamed as (

    select
        cast(organization_id as varchar) as account_id,
        cast(snapshot_date as date) as snapshot_date,
        cast(organization_urn as varchar) as organization_urn,
        cast(followers_count as bigint) as followers_count

    from source

)

select * from renamed
