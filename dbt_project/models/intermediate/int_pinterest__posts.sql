{#-
    Pinterest pins on the post column contract (macros/conformed_models.sql), one row per pin. Pinterest reports
    impressions, saves and clicks per account and activity day (int_pinterest__organic_daily), not per pin, so
    every metric of a pin is null: nothing is spread over pins. caption = description, else title.
    content_type from media_type: image -> image, video -> video, multiple_images / multiple_videos /
    multiple_mixed -> carousel, anything else -> other.
-#}
{%- set content_type -%}
    case
        when lower(media_type) = 'image' then 'image'
        when lower(media_type) = 'video' then 'video'
        when lower(media_type) in ('multiple_images', 'multiple_videos', 'multiple_mixed') then 'carousel'
        else 'other'
    end
{%- endset -%}

{{ conformed_posts('pinterest', 'stg_pinterest__pins', {
    'account_id': 'account_id',
    'native_post_id': 'pin_id',
    'published_at': 'created_at',
    'native_content_type': 'media_type',
    'content_type': content_type,
    'caption': 'coalesce(description, title)',
}) }}
