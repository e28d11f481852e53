with

campaigns as (

    select * from {{ ref('int_campaigns_segmented') }}

),

final as (

    select
        cast(campaign_key as varchar) as campaign_key,
        cast(campaign_id as varchar) as campaign_id,
        cast(platform as varchar) as platform,
        cast(channel as varchar) as channel,
        cast(account_id as varchar) as account_id,
        cast(campaign_name as varchar) as campaign_name,
        cast(initiative as varchar) as initiative,
        cast(segment as varchar) as segment,
        cast(segment_source as varchar) as segment_source,
        cast(segment_rule_line as bigint) as segment_rule_line,
        cast(objective as varchar) as objective,
        cast(geo as varchar) as geo,
        cast(launch_month as date) as launch_month,
        cast(is_naming_compliant as boolean) as is_naming_compliant,
        cast(naming_issue as varchar) as naming_issue
    from campaigns

)

select * from final
