{#-
    Facebook page posts on the post column contract (macros/conformed_models.sql), one row per post:
    likes = reactions of every type; reach = post_impressions_unique; no saves or video views loaded.
    content_type from status_type: added_photos / tagged_in_photo -> image, added_video -> video, shared_story ->
    link, mobile_status_update / created_note / wall_post -> text, anything else -> other.
-#}
{%- set content_type -%}
    case
        when status_type in ('added_photos', 'tagged_in_photo') then 'image'
        when status_type = 'added_video' then 'video'
        when status_type = 'shared_story' then 'link'
        when status_type in ('mobile_status_update', 'created_note', 'wall_post') then 'text'
        else 'other'
    end
{%- endset -%}

{{ conformed_posts('facebook', 'stg_facebook_pages__posts', {
    'account_id': 'page_id',
    'native_post_id': 'post_id',
    'published_at': 'published_at',
    'native_content_type': 'status_type',
    'content_type': content_type,
    'caption': 'message',
    'permalink': 'permalink_url',
    'impressions': 'impressions',
    'reach': 'reach',
    'likes': 'reactions',
    'comments': 'comments',
    'shares': 'shares',
    'clicks': 'clicks',
}) }}
