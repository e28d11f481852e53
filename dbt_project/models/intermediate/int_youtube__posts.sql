{#-
    YouTube uploads on the post column contract (macros/conformed_models.sql), one row per video: every post is a
    video; impressions and video_views = lifetime viewCount; caption = title. The Data API reports no reach and no
    per-video shares, saves or clicks.
-#}
{{ conformed_posts('youtube', 'stg_youtube__videos', {
    'account_id': 'channel_id',
    'native_post_id': 'video_id',
    'published_at': 'published_at',
    'content_type': "'video'",
    'caption': 'title',
    'impressions': 'views',
    'likes': 'likes',
    'comments': 'comments',
    'video_views': 'views',
}) }}
