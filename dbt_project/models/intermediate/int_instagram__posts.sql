{#-
    Instagram media on the post column contract (macros/conformed_models.sql), one row per media:
    impressions = lifetime views; video_views = views of VIDEO media only (views of images and carousels are not
    video plays); no clicks reported. native_content_type = media_type/media_product_type; content_type: REELS ->
    reel, STORY -> story, CAROUSEL_ALBUM -> carousel, VIDEO -> video, IMAGE -> image, anything else -> other.
-#}
{%- set content_type -%}
    case
        when upper(media_product_type) = 'REELS' then 'reel'
        when upper(media_product_type) = 'STORY' then 'story'
        when upper(media_type) = 'CAROUSEL_ALBUM' then 'carousel'
        when upper(media_type) = 'VIDEO' then 'video'
        when upper(media_type) = 'IMAGE' then 'image'
        else 'other'
    end
{%- endset -%}

{{ conformed_posts('instagram', 'stg_instagram__media', {
    'account_id': 'account_id',
    'native_post_id': 'media_id',
    'published_at': 'published_at',
    'native_content_type': "media_type || coalesce('/' || media_product_type, '')",
    'content_type': content_type,
    'caption': 'caption',
    'permalink': 'permalink',
    'impressions': 'views',
    'reach': 'reach',
    'likes': 'likes',
    'comments': 'comments',
    'shares': 'shares',
    'saves': 'saves',
    'video_views': "case when upper(media_type) = 'VIDEO' then views end",
}) }}
