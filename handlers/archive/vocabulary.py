"""The values an archive field may take: the words the national system's 党员基本信息采集表 uses
(中组部 2017 党组织和党员基本信息采集, 16 项; see handlers/archive/maps/national.json for sources),
and the hospital's own for 岗位 and 技术职称. An import with any other value is refused by row."""

from __future__ import annotations

GENDERS = ("男", "女")

#: The 56 民族 by their full names, as the 采集表 asks ("填写'汉族'或者其他少数民族全称").
ETHNICITIES = (
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
)

#: 最高学历 (the 采集表's categories; a 党校 degree is entered under its level).
EDUCATION = ("研究生", "大学本科", "大学专科", "中等专科", "高中", "初中及以下")
DEGREES = ("博士", "硕士", "学士", "无")

#: 岗位: the hospital's own post families (the national code list is finer; see the column map).
JOB_POSTS = ("医疗", "护理", "医技", "药学", "科研", "教学", "行政管理", "后勤保障", "其他")

#: 技术职称: the health series (正高 → 初级), research and the support series a hospital has.
TECHNICAL_TITLES = (
    "主任医师",
    "副主任医师",
    "主治医师",
    "医师",
    "医士",
    "主任护师",
    "副主任护师",
    "主管护师",
    "护师",
    "护士",
    "主任药师",
    "副主任药师",
    "主管药师",
    "药师",
    "药士",
    "主任技师",
    "副主任技师",
    "主管技师",
    "技师",
    "技士",
    "研究员",
    "副研究员",
    "助理研究员",
    "研究实习员",
    "高级工程师",
    "工程师",
    "助理工程师",
    "高级会计师",
    "会计师",
    "助理会计师",
    "高级经济师",
    "经济师",
    "助理经济师",
    "无",
)

STATUS_WORDS = {"正式党员": "full", "预备党员": "probationary"}
YES_NO = {"是": True, "否": False}
