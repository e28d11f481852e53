{#- Posts of every organic platform, one row per platform x post (see the per-platform int_<platform>__posts). -#}
with

unioned as (

    {{ union_models(post_models(), post_columns()) }}

)

select * from unioned
