"""Simplified Chinese formats: dates read 2022年1月14日, as the district's bulletins write them.

Templates use the default `{{ value|date }}` (DATE_FORMAT) or `{{ value|date:"DATETIME_FORMAT" }}`
rather than a hard-coded format; a form's <input type="date"> still takes and shows ISO dates.
"""

DATE_FORMAT = "Y年n月j日"  # 2022年1月14日
TIME_FORMAT = "H:i"  # 09:05
DATETIME_FORMAT = "Y年n月j日 H:i"  # 2022年1月14日 09:05
YEAR_MONTH_FORMAT = "Y年n月"  # 2022年1月
MONTH_DAY_FORMAT = "n月j日"  # 1月14日 (Django's own pads the month: 01月14日)
SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
FIRST_DAY_OF_WEEK = 1  # 星期一

# Django's own zh_Hans input formats spell 2022年1月14日 with %n and %j (a newline and the day of
# the year), so that form never parses; strptime reads unpadded months and days with %m and %d.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2022-01-14, what <input type="date"> sends
    "%Y/%m/%d",  # 2022/1/14
    "%Y年%m月%d日",  # 2022年1月14日
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",  # what <input type="datetime-local"> sends
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
