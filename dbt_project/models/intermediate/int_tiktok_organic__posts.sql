{#-
    TikTok business account videos on the post column contract (macros/conformed_models.sql), one row per video:
    every post is a video (the API has no type field); impressions and video_views = lifetime video_views;
    no saves or clicks reported.
-#}
{{ conformed_posts('tiktok', 'stg_tiktok_organic__videos', {
    'account_id': 'account_id',
    'native_post_id': 'video_id',
    'published_at': 'published_at',
    'content_type': "'video'",
    'caption': 'caption',
    'permalink': 'share_url',
    'impressions': 'views',
    'reach': 'reach',
    'likes': 'likes',
    'comments': 'comments',
    'shares': 'shares',
    'video_views': 'views',
}) }}
