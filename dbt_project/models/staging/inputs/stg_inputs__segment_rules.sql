with

source as (

    select * from {{ source_or_empty('inputs', 'segment_rules') }}

),

renamed as (

    select
        lower(trim(cast(applies_to as varchar))) as applies_to,
        lower(trim(cast("field" as varchar))) as rule_field,
        lower(trim(cast(operator as varchar))) as rule_operator,
        trim(cast("value" as varchar)) as rule_value,
        lower(trim(cast(segment as varchar))) as segment,
        cast(source_file as varchar) as source_file,
        cast(source_line as bigint) as rule_line

    from source

)

select * from renamed
