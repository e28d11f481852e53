{#-
    One row per platform campaign (int_campaigns_parsed) with its segment:
    - the naming-convention segment (the name's segment field, when it is one of the segments);
    - else the segment of the first campaign rule of inputs/segment_rules.csv that matches it (rule fields
      campaign_name, campaign_id, initiative, platform, account_id; see macro first_segment_rule);
    - else `unassigned`.
    segment_source says which (naming_convention | segment_rule | unassigned), segment_rule_line which rule.
    Every model that needs a campaign's segment reads it here. Grain: campaign_key.
-#}
{#- A table, not a view: eight models and four tests read it, and at agency size each reading of the view
    re-parsed every campaign name from the daily insights (2.5 s each; issue 8). -#}
{{ config(materialized='table') }}
with

campaigns as (

    select * from {{ ref('int_campaigns_parsed') }}

),

segment_rules as (

    select * from {{ ref('stg_inputs__segment_rules') }}

),

rule_matches as (

    {{ first_segment_rule(
        'campaigns', 'campaign_key', 'campaign',
        ['campaign_name', 'campaign_id', 'initiative', 'platform', 'account_id']
    ) }}

),

final as (

    select
        campaigns.campaign_key,
        campaigns.campaign_id,
        campaigns.platform,
        campaigns.channel,
        campaigns.account_id,
        campaigns.campaign_name,
        campaigns.initiative,
        coalesce(campaigns.segment, rule_matches.segment, 'unassigned') as segment,
        case
            when campaigns.segment is not null then 'naming_convention'
            when rule_matches.segment is not null then 'segment_rule'
            else 'unassigned'
        end as segment_source,
        case when campaigns.segment is null then rule_matches.rule_line end as segment_rule_line,
        campaigns.objective,
        campaigns.geo,
        campaigns.launch_month,
        campaigns.is_naming_compliant,
        campaigns.naming_issue
    from campaigns
    left join rule_matches
        on campaigns.campaign_key = rule_matches.campaign_key

)

select * from final
