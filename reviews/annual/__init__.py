"""Year-end appraisal (年底评鉴): opening the year, summary and proposal (levels 1–2 of the review
engine), the decision within the 优秀 quota, the written notice, 本人意见, 复核 and 申诉."""
