# <input type="date"> needs ISO dates: the first input format is what forms render, so it
# comes first here (Django's zh_Hans locale puts 2026/11/27 first, which browsers show empty).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
