{#-
    Order attribution, one row per order; first match wins (docs/design.md):
    1. utm: landing_site has utm_source. Channel from seed channel_sources (utm_source x medium kind, unknown
       utm_source -> other). Campaign: utm_campaign matched to a known campaign on id, then exact name, then
       normalised name (lowercase, only [a-z0-9]); ties go to a campaign of the utm channel, then the lowest key
       (macro campaign_matches, shared with the GA4 sessions).
    2. promo_code: one of the order's discount codes is in inputs/promo_codes.csv (the first listed on the order
       wins). Influencer codes -> channel influencer; campaign codes -> that campaign and its channel (the code's
       channel, else other, when the campaign is unknown). A campaign_id on an influencer code links the campaign.
    3. referrer: the referring_site's host (lower-cased, without "www.") is in seed referrer_hosts (the host or a
       subdomain of a `domain` row, or starting with a `prefix` row such as `google.`; the longest match wins):
       that channel, no campaign.
    4. unattributed.
    segment: the attributed campaign's segment (int_campaigns_segmented: naming convention, else the first
    matching campaign rule), else unassigned.
    customer_segment: the campaign's segment when it is not unassigned, else the segment of the first order rule of
    inputs/segment_rules.csv matching the order (fields landing_path = landing_site without query and fragment,
    discount_code, utm_source, utm_medium, utm_campaign, referring_host), else unassigned; customer_segment_source
    says which (campaign | segment_rule | unassigned).
    Stripe-only sales (int_stripe__orders) follow the same rules with the UTMs of their Checkout metadata instead of
    landing_site; they carry no discount codes and no referrer, so they are utm or unattributed.
-#}
{#-
    A table, not a view: every campaign, channel and segment mart and report reads it (issue 8). Incremental: a
    nightly build attributes again only the orders whose input_fingerprint (the order's row and every dimension the
    rules read) is new or changed (macros/order_rebuild.sql).
-#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='order_key',
    on_schema_change='fail',
    pre_hook="{{ delete_vanished_orders() }}",
    full_refresh=(true if target.type != 'duckdb' else none),
) }}
{%- set paid_mediums = var('paid_utm_mediums') -%}

{%- set diffed = orders_diffed(is_incremental()) %}
with

campaigns as (

    select * from {{ ref('int_campaigns_segmented') }}

),

promo_codes as (

    select * from {{ ref('stg_inputs__promo_codes') }}

),

segment_rules as (

    select * from {{ ref('stg_inputs__segment_rules') }}

),

dimensions as (

    select {{ row_fingerprint([
        '(select ' ~ rows_fingerprint('campaigns') ~ ' from campaigns)',
        '(select ' ~ rows_fingerprint('promo_codes') ~ ' from promo_codes)',
        '(select ' ~ rows_fingerprint('segment_rules') ~ ' from segment_rules)',
    ]) }} as fingerprint

),

order_inputs as (

    select order_key, order_fingerprint from {{ ref('int_shopify__orders') }}

    union all

    select order_key, order_fingerprint from {{ ref('int_stripe__orders') }}

),

inputs as (

    select
        order_inputs.order_key,
        {{ row_fingerprint(['order_inputs.order_fingerprint', 'dimensions.fingerprint']) }} as input_fingerprint
    from order_inputs
    cross join dimensions

),

to_attribute as (

    select inputs.*
    from inputs
    {%- if diffed %}
    left join {{ this }} as built
        on inputs.order_key = built.order_key
        and inputs.input_fingerprint = built.input_fingerprint
    where built.order_key is null
    {%- endif %}

),

orders as (

    select * from {{ ref('int_shopify__orders') }}
    {{ where_order_in('to_attribute', diffed) }}

),

stripe_orders as (

    select * from {{ ref('int_stripe__orders') }}
    {{ where_order_in('to_attribute', diffed) }}

),

channel_sources as (

    select * from {{ ref('channel_sources') }}

),

referrer_hosts as (

    select * from {{ ref('referrer_hosts') }}

),

utm_params as (

    select
        order_key,
        discount_codes,
        lower(trim({{ url_decode(url_query_param('landing_site', 'utm_source')) }})) as utm_source,
        lower(trim({{ url_decode(url_query_param('landing_site', 'utm_medium')) }})) as utm_medium,
        {{ url_decode(url_query_param('landing_site', 'utm_campaign')) }} as utm_campaign,
        {{ url_path('landing_site') }} as landing_path,
        {{ url_host('referring_site') }} as referring_host
    from orders

    union all

    select
        order_key,
        cast(null as varchar) as discount_codes,
        lower(trim(utm_source)) as utm_source,
        lower(trim(utm_medium)) as utm_medium,
        utm_campaign,
        cast(null as varchar) as landing_path,
        cast(null as varchar) as referring_host
    from stripe_orders

),

utm_channels as (

    select
        utm_params.*,
        case
            when utm_params.utm_source is not null then coalesce(channel_sources.channel, 'other')
        end as utm_channel
    from utm_params
    left join channel_sources
        on utm_params.utm_source = channel_sources.utm_source
        and channel_sources.medium_kind = case
            when utm_params.utm_medium in ('{{ paid_mediums | join("', '") }}') then 'paid'
            else 'other'
        end

),

campaign_lookup as (

    select
        campaign_key,
        campaign_id,
        campaign_name,
        {{ normalize_name('campaign_name') }} as campaign_name_normalized,
        channel as campaign_channel
    from campaigns

),

utm_orders as (

    select
        order_key,
        utm_channel,
        utm_campaign
    from utm_channels
    where utm_source is not null and utm_campaign is not null

),

utm_campaign_matches as (

    {{ campaign_matches('utm_orders', 'order_key', 'utm_campaign', 'utm_channel') }}

),

promo_candidates as (

    select
        orders.order_key,
        promo_codes.promo_code,
        promo_codes.promo_kind,
        promo_codes.channel as promo_channel,
        promo_codes.campaign_id,
        {{ dbt.position(
            dbt.concat(["','", "promo_codes.promo_code", "','"]),
            dbt.concat(["','", "upper(replace(orders.discount_codes, ' ', ''))", "','"])
        ) }} as code_position
    from orders
    cross join promo_codes
    where orders.discount_codes is not null

),

ranked_promo_matches as (

    select
        *,
        row_number() over (partition by order_key order by code_position, promo_code) as code_rank
    from promo_candidates
    where code_position > 0

),

promo_matches as (

    select * from ranked_promo_matches
    where code_rank = 1

),

promo_campaign_matches as (

    select
        promo_matches.order_key,
        campaign_lookup.campaign_key,
        campaign_lookup.campaign_channel,
        row_number() over (
            partition by promo_matches.order_key
            order by
                case when campaign_lookup.campaign_channel = promo_matches.promo_channel then 0 else 1 end,
                campaign_lookup.campaign_key
        ) as match_rank
    from promo_matches
    inner join campaign_lookup
        on promo_matches.campaign_id = campaign_lookup.campaign_id

),

referrer_matches as (

    select
        utm_params.order_key,
        referrer_hosts.channel,
        row_number() over (
            partition by utm_params.order_key
            order by {{ dbt.length('referrer_hosts.host') }} desc, referrer_hosts.host
        ) as match_rank
    from utm_params
    inner join referrer_hosts
        on (
            referrer_hosts.match_type = 'domain'
            and (
                utm_params.referring_host = referrer_hosts.host
                or {{ dbt.right('utm_params.referring_host', dbt.length('referrer_hosts.host') ~ ' + 1') }}
                    = {{ dbt.concat(["'.'", 'referrer_hosts.host']) }}
            )
        )
        or (
            referrer_hosts.match_type = 'prefix'
            and {{ dbt.position('referrer_hosts.host', 'utm_params.referring_host') }} = 1
        )

),

attributed as (

    select
        utm_channels.order_key,
        case
            when utm_channels.utm_source is not null then 'utm'
            when promo_matches.promo_code is not null then 'promo_code'
            when referrer_matches.channel is not null then 'referrer'
            else 'unattributed'
        end as attribution_method,
        case
            when utm_channels.utm_source is not null then utm_channels.utm_channel
            when promo_matches.promo_kind = 'influencer' then 'influencer'
            when promo_matches.promo_code is not null
                then coalesce(promo_campaign_matches.campaign_channel, promo_matches.promo_channel, 'other')
            when referrer_matches.channel is not null then referrer_matches.channel
            else 'unattributed'
        end as channel,
        case
            when utm_channels.utm_source is not null then utm_campaign_matches.campaign_key
            when promo_matches.promo_code is not null then promo_campaign_matches.campaign_key
        end as campaign_key,
        utm_channels.utm_source,
        utm_channels.utm_medium,
        utm_channels.utm_campaign,
        coalesce(
            promo_matches.promo_code,
            nullif(upper(trim({{ dbt.split_part('utm_channels.discount_codes', "','", 1) }})), '')
        ) as discount_code,
        utm_channels.landing_path,
        utm_channels.referring_host
    from utm_channels
    left join utm_campaign_matches
        on utm_channels.order_key = utm_campaign_matches.order_key
        and utm_campaign_matches.match_rank = 1
    left join promo_matches
        on utm_channels.order_key = promo_matches.order_key
    left join promo_campaign_matches
        on utm_channels.order_key = promo_campaign_matches.order_key
        and promo_campaign_matches.match_rank = 1
    left join referrer_matches
        on utm_channels.order_key = referrer_matches.order_key
        and referrer_matches.match_rank = 1

),

order_rule_matches as (

    {{ first_segment_rule(
        'attributed', 'order_key', 'order',
        ['landing_path', 'discount_code', 'utm_source', 'utm_medium', 'utm_campaign', 'referring_host']
    ) }}

),

final as (

    select
        attributed.order_key,
        attributed.attribution_method,
        attributed.channel,
        attributed.campaign_key,
        coalesce(campaigns.segment, 'unassigned') as segment,
        case
            when campaigns.segment <> 'unassigned' then campaigns.segment
            when order_rule_matches.segment is not null then order_rule_matches.segment
            else 'unassigned'
        end as customer_segment,
        case
            when campaigns.segment <> 'unassigned' then 'campaign'
            when order_rule_matches.segment is not null then 'segment_rule'
            else 'unassigned'
        end as customer_segment_source,
        attributed.utm_source,
        attributed.utm_medium,
        attributed.utm_campaign,
        attributed.discount_code,
        attributed.landing_path,
        attributed.referring_host,
        to_attribute.input_fingerprint
    from attributed
    inner join to_attribute
        on attributed.order_key = to_attribute.order_key
    left join campaigns
        on attributed.campaign_key = campaigns.campaign_key
    left join order_rule_matches
        on attributed.order_key = order_rule_matches.order_key

)

select * from final
