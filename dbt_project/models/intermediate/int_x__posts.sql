{#-
    X posts on the post column contract (macros/conformed_models.sql), one row per post, from the public metrics:
    comments = replies, shares = reposts + quotes, saves = bookmarks. X reports no reach, and clicks are non-public
    metrics (not loaded). content_type is text: the connector loads no media attachments.
-#}
{{ conformed_posts('x', 'stg_x__tweets', {
    'account_id': 'account_id',
    'native_post_id': 'post_id',
    'published_at': 'created_at',
    'content_type': "'text'",
    'caption': 'post_text',
    'impressions': 'impressions',
    'likes': 'likes',
    'comments': 'replies',
    'shares': 'case when reposts is not null or quotes is not null then coalesce(reposts, 0) + coalesce(quotes, 0) end',
    'saves': 'bookmarks',
}) }}
