{#-
    LinkedIn organization posts on the post column contract (macros/conformed_models.sql), one row per post, from
    the lifetime share statistics: reach = uniqueImpressionsCount; no saves or video views. content_type is text:
    the connector loads the commentary, not the post's media.
-#}
{{ conformed_posts('linkedin', 'stg_linkedin_pages__posts', {
    'account_id': 'account_id',
    'native_post_id': 'post_id',
    'published_at': 'published_at',
    'content_type': "'text'",
    'caption': 'commentary',
    'impressions': 'impressions',
    'reach': 'unique_impressions',
    'likes': 'likes',
    'comments': 'comments',
    'shares': 'shares',
    'clicks': 'clicks',
}) }}
