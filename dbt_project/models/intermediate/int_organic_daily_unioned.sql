{#- Organic activity of every platform, one row per platform x account x day (see the per-platform models). -#}
with

unioned as (

    {{ union_models(organic_daily_models(), organic_daily_columns()) }}

)

select * from unioned
