"""Word lists for realistic demo data (Chinese names, units, sections, positions)."""

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文斌宇浩凯鹏辉玲婷雪琳晨欣悦博文思睿"
    "志红春梅海波晓东亮燕飞玉兰宏伟俊峰佳怡子涵梓萱一诺雨桐嘉懿晗瑞泽天佑立新永安德胜振华"
)
ETHNICITIES = ("汉族",) * 18 + ("回族", "满族", "蒙古族", "土家族")
POLITICAL = ("中共党员",) * 7 + ("群众", "共青团员", "民盟盟员")
EDUCATION = ("大学本科",) * 6 + ("硕士研究生",) * 2 + ("大专", "博士研究生")
STAFF_RANKS = (
    "一级科员",
    "二级科员",
    "四级主任科员",
    "三级主任科员",
    "二级主任科员",
    "一级主任科员",
)
SECONDED_POSTS = ("借用人员（事业编）", "借用人员（事业编）", "借用人员（事业编）")
WORK = (
    "综合文字材料",
    "财务管理",
    "人事管理",
    "政策法规",
    "督查督办",
    "信息宣传",
    "项目管理",
    "窗口受理",
    "执法监督",
    "档案管理",
    "安全生产",
    "群众来信来访",
    "统计分析",
    "后勤保障",
)
SECTIONS = ("办公室", "综合股", "业务一股", "业务二股", "政策法规股", "财务股", "人事股", "督查股")

# (name, category code); the category list is what DOMAIN.md names.
CATEGORIES = (
    ("general", "综合管理"),
    ("legal", "政法司法"),
    ("mass", "群团组织"),
    ("window", "窗口服务"),
)
UNITS = (
    ("区委办公室", "general"),
    ("区政府办公室", "general"),
    ("区委组织部", "general"),
    ("区委宣传部", "general"),
    ("区委统战部", "general"),
    ("区发展和改革局", "general"),
    ("区教育局", "general"),
    ("区科学技术局", "general"),
    ("区工业和信息化局", "general"),
    ("区民政局", "general"),
    ("区财政局", "general"),
    ("区自然资源局", "general"),
    ("区住房和城乡建设局", "general"),
    ("区交通运输局", "general"),
    ("区水利局", "general"),
    ("区农业农村局", "general"),
    ("区商务局", "general"),
    ("区文化和旅游局", "general"),
    ("区卫生健康局", "general"),
    ("区应急管理局", "general"),
    ("区审计局", "general"),
    ("区统计局", "general"),
    ("公安分局", "legal"),
    ("区司法局", "legal"),
    ("区人民法院", "legal"),
    ("区人民检察院", "legal"),
    ("区城市管理执法局", "legal"),
    ("区信访局", "legal"),
    ("区总工会", "mass"),
    ("共青团区委", "mass"),
    ("区妇联", "mass"),
    ("区残联", "mass"),
    ("区科协", "mass"),
    ("区工商联", "mass"),
    ("区政务服务中心", "window"),
    ("区行政审批服务局", "window"),
    ("区不动产登记中心", "window"),
    ("区医疗保障局", "window"),
    ("区人力资源和社会保障局", "window"),
    ("区市场监督管理局", "window"),
    ("区退役军人事务局", "window"),
    ("区生态环境分局", "general"),
)
# Seed: two departments with fewer than 10 civil servants assess 42 and 30 people.
SECONDED_HEAVY = {"区科学技术局": (8, 34), "区统计局": (7, 23)}
