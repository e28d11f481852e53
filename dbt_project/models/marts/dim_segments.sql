{#- The audience segments of the naming convention (var naming_allowed_values.segment) plus `unassigned`. -#}
with

segments as (

    {% for segment in var('naming_allowed_values')['segment'] %}
    select '{{ segment }}' as segment, true as is_naming_segment
    union all
    {% endfor %}
    select 'unassigned' as segment, false as is_naming_segment

),

final as (

    select
        cast(segment as varchar) as segment,
        cast(is_naming_segment as boolean) as is_naming_segment
    from segments

)

select * from final
