with

source as (

    select * from {{ source_or_empty('inputs', 'targets') }}

),

renamed as (

    select
        cast("month" as date) as target_month,
        lower(trim(cast(metric as varchar))) as metric,
        lower(trim(cast(channel as varchar))) as channel,
        lower(trim(cast(segment as varchar))) as segment,
        cast(target as double precision) as target,
        cast(source_file as varchar) as source_file,
        cast(source_line as bigint) as source_line

    from source

)

select * from renamed
