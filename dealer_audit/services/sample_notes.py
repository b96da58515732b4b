"""What a synthetic auditor writes on a failed item: a short note about *that* item's failure, in zh or en.

Why: themes in the notes (core/themes.py) group notes by meaning and link each theme to the failed items it
explains. Stock phrases on random items ("not done, short-staffed today") carry no item and make every theme an
"unknown issue", so the sample network would show nothing. Real auditors describe what they saw: "paper check-in,
the tablet stayed in the drawer" on the tablet check-in item. So each of the shipped standards' items that fail
often has its own small phrase pool (`ITEM_NOTES`, keyed by standard then item id, two phrasings per language);
any other item gets a note built from its own text and answer type (`fallback_notes`), so a note always names the
item it was written on, in whatever standard a user generates a network for.

The generator draws one slot per note (services/sample_network.py) and maps it onto the pool, so the size of a
pool never changes how many random numbers a note costs: rewriting a phrase never changes an answer drawn after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from dealer_audit.core.standard import AnswerType, Item


@dataclass(frozen=True, slots=True)
class NotePool:
    """Phrasings of one item's failure note; the generator picks by the auditor's language."""

    zh: tuple[str, ...]
    en: tuple[str, ...]

    def pick(self, slot: int, english: bool) -> str:
        pool = self.en if english else self.zh
        return pool[slot % len(pool)]


def _p(zh1: str, zh2: str, en1: str, en2: str) -> NotePool:
    return NotePool((zh1, zh2), (en1, en2))


# standard id -> item id -> phrasings; the items of the shipped standards (checklists/) that fail most often
ITEM_NOTES: dict[str, dict[str, NotePool]] = {
    "digital-service": {
        "DB02": _p(
            "线上预约只显示固定时段，不是门店实时空位。",
            "App显示有空位，到店却说已约满。",
            "Online booking shows fixed slots, not live availability.",
            "The app showed a free slot; the dealer said it was fully booked.",
        ),
        "DB05": _p(
            "到店前一天没有收到预约提醒。",
            "提醒短信里没有门店导航链接。",
            "No booking reminder the day before.",
            "The reminder text had no map link.",
        ),
        "DB06": _p(
            "线上无法改期，只能打电话给门店。",
            "App里找不到取消预约的入口。",
            "The booking cannot be moved online; had to phone the dealer.",
            "No way to cancel the booking in the app.",
        ),
        "DC01": _p(
            "接车时系统里看不到线上预约。",
            "线上预约没有同步到门店系统，只能重新建单。",
            "The advisor had no trace of the online booking at check-in.",
            "The online booking never reached the dealer system; a new order was opened.",
        ),
        "DC04": _p(
            "工单上没有预填线上预约时写的需求。",
            "预约里写的异响问题没有带到工单上。",
            "The repair order did not carry the need given in the online booking.",
            "The noise described in the booking was missing from the repair order.",
        ),
        "DC02": _p(
            "线上预约已填过车型和里程，到店又让重新登记一遍。",
            "系统里看不到App预约，车牌和手机号又报了一遍。",
            "Had to repeat the car and mileage already entered in the app booking.",
            "The advisor could not see the app booking and asked for the plate number again.",
        ),
        "DC03": _p(
            "调不出本车的历史保养记录。",
            "系统里查不到上次的维修记录。",
            "The advisor could not pull up the car's service history.",
            "Last visit's repair record was not in the system.",
        ),
        "DR01": _p(
            "仍用纸质接车单，平板没有开机。",
            "门店称平板系统还在调试，仍用纸质单接车。",
            "Paper check-in; the tablet was not even switched on.",
            "The dealer says the tablet system is still being set up; checked in on paper.",
        ),
        "DR02": _p(
            "接车时没有在平板上拍外观和仪表照片。",
            "只拍了仪表，没有拍车身外观。",
            "No bodywork or dashboard photos taken on the device at check-in.",
            "Dashboard photo only, no bodywork photos.",
        ),
        "DR03": _p(
            "没有让客户在设备上签名确认。",
            "电子签名功能打不开，签名这一步跳过了。",
            "The customer was never asked to sign on the device.",
            "The e-signature would not open, so signing was skipped.",
        ),
        "DR04": _p(
            "电子接车单很久才推送到手机。",
            "接车一小时后才收到电子接车单。",
            "The e-check-in record reached the phone very late.",
            "The e-check-in record arrived an hour after check-in.",
        ),
        "DR05": _p(
            "电子接车单缺少外观损伤记录。",
            "电子接车单没有填写里程和油量。",
            "The e-check-in record leaves out the bodywork damage.",
            "Mileage and fuel level missing from the e-check-in record.",
        ),
        "TP01": _p(
            "服务看板黑屏，没有显示车辆进度。",
            "看板停在昨天的信息，没有实时更新。",
            "Status board dark, no progress shown.",
            "The board still showed yesterday's cars, not live.",
        ),
        "TP02": _p(
            "看板状态比实际进度慢了很久。",
            "车已完工，看板仍显示维修中。",
            "The board lagged well behind the car's real status.",
            "The car was finished while the board still said in repair.",
        ),
        "TP04": _p(
            "App里看不到维修进度和预计完工时间。",
            "App进度一直停在“已接车”。",
            "No live progress or completion time in the app.",
            "App progress stuck at 'checked in' all visit.",
        ),
        "VE02": _p(
            "检测视频画面晃动，技师讲解听不清。",
            "检测视频太暗，看不清问题部位。",
            "Shaky health-check video; the technician could hardly be heard.",
            "The health-check video was too dark to see the part.",
        ),
        "VE03": _p(
            "视频里技师没有展示问题部位。",
            "视频只拍了车间，没有讲解故障原因。",
            "The technician did not show the faulty part in the video.",
            "The video shows the workshop but does not explain the cause.",
        ),
        "VE07": _p(
            "电子确认页面没有“暂不维修”选项。",
            "增项确认页面只能同意，不能拒绝。",
            "No 'not now' option on the e-approval page.",
            "The e-approval page only lets the customer accept the extra work.",
        ),
        "EP01": _p(
            "App内无法在线支付，只能到收银台付款。",
            "小程序支付页面打不开。",
            "Could not pay in the app; cashier only.",
            "The mini-program payment page would not load.",
        ),
        "EP02": _p(
            "电子结算单比确认的估价多出一项工时费。",
            "结算单金额与App里确认的增项不一致。",
            "The e-statement has a labour charge that was not in the approved estimate.",
            "The statement total does not match the extra work approved in the app.",
        ),
        "FP02": _p(
            "授权说明没有写明用途和撤回方式。",
            "个人信息授权只有一句话，没有说明使用范围。",
            "The consent notice does not say the purpose or how to withdraw.",
            "One-line consent, no scope of use stated.",
        ),
        "FP04": _p(
            "交车后没有收到在线评价邀请。",
            "一直没有收到评价链接。",
            "No online review invitation after handover.",
            "The review link never arrived.",
        ),
        "FP05": _p(
            "评价短信要求给价格打分，并暗示打满分。",
            "被反复要求给五星好评。",
            "The review text asked to rate the price and hinted at full marks.",
            "The advisor kept asking for a five-star review.",
        ),
        "FP07": _p(
            "退订后仍然收到营销短信。",
            "营销短信没有退订方式。",
            "Marketing texts kept coming after opting out.",
            "Marketing messages have no opt-out.",
        ),
        "FP08": _p(
            "App没有推送任何保养提醒。",
            "App里没有个性化用车提示。",
            "The app pushed no service reminder.",
            "No personalised car-care tips in the app.",
        ),
    },
    "svc-mystery-shop": {
        "BK04": _p(
            "预约人员没有询问车型和里程。",
            "预约电话里没有问服务需求。",
            "The booking agent did not ask for the model or mileage.",
            "No question about the service need on the booking call.",
        ),
        "BK07": _p(
            "预约确认短信没有顾问姓名和门店地址。",
            "确认信息只有时间，没有地址。",
            "The booking confirmation lacks the advisor's name and the address.",
            "Confirmation gave the time only, no address.",
        ),
        "BK09": _p(
            "预约时没有告知大概费用和所需时间。",
            "问了费用，对方说到店再说。",
            "No expected cost or duration given when booking.",
            "Asked about the price; was told to ask at the dealer.",
        ),
        "AR01": _p(
            "门卫坐在岗亭里，没有问候也没有询问来意。",
            "进门时门卫在看手机，没有理会。",
            "The gate guard stayed in the booth, no greeting, no question.",
            "The guard was on his phone and ignored the car.",
        ),
        "AR05": _p(
            "接待人员没有称呼姓氏，也没有核对预约。",
            "前台不知道有预约，让客户重新排号。",
            "Not addressed by name; the booking was not confirmed.",
            "Reception did not know about the booking and gave a queue number.",
        ),
        "AR06": _p(
            "没有预约欢迎牌，电子屏只放广告。",
            "欢迎屏上没有本次预约信息。",
            "No welcome board; the screen only showed adverts.",
            "The welcome screen did not show this booking.",
        ),
        "RC01": _p(
            "到店后等了二十分钟顾问才开始接车。",
            "接车前排队时间太长，顾问都在忙。",
            "Twenty minutes from arrival until the advisor started the check-in.",
            "A long queue before check-in; every advisor was busy.",
        ),
        "RC08": _p(
            "接车单没有让客户电子签名。",
            "电子签名说是坏了，直接跳过签字。",
            "The check-in record was not e-signed by the customer.",
            "E-signing was 'broken'; the signature was skipped.",
        ),
        "RC09": _p(
            "没有给客户接车单，电子版和纸质版都没有。",
            "接车单留在前台，客户没有拿到副本。",
            "No copy of the check-in record, neither paper nor electronic.",
            "The check-in record stayed at the desk; no copy for the customer.",
        ),
        "WT01": _p(
            "没有带去休息区，只指了一下方向。",
            "接车后无人引导，自己找到休息区。",
            "The advisor only pointed towards the lounge.",
            "The advisor left after check-in; found the lounge alone.",
        ),
        "DG03": _p(
            "估价单没有让客户签字确认就开始施工。",
            "估价单没有签字，说口头同意就行。",
            "Work started without the customer signing the estimate.",
            "The estimate was never signed; the advisor said a verbal OK was enough.",
        ),
        "DG06": _p(
            "增项没有征得客户同意就已经施工。",
            "客户回车间时发现增项已经做完了。",
            "The extra work started before the customer agreed.",
            "The extra work was already done when the customer was asked.",
        ),
        "DG07": _p(
            "增项没有说明费用和对交车时间的影响。",
            "增项只说要做，没讲多少钱、要多久。",
            "Extra cost and delay of the extra work not stated.",
            "Told the extra work was needed, with no price or time.",
        ),
        "ST05": _p(
            "车辆开始施工时没有收到通知。",
            "不知道车什么时候进的车间。",
            "No message when work on the car started.",
            "Never told when the car went into the workshop.",
        ),
        "ST07": _p(
            "车完工半小时后才通知取车。",
            "车早就好了，是客户自己问才知道。",
            "Told the car was ready half an hour after it was done.",
            "The car had been ready for a while; found out only by asking.",
        ),
        "HO07": _p(
            "交车时在前台递过钥匙，没有陪同到车旁。",
            "取车时没人陪同，自己去停车场找车。",
            "The advisor handed over the key at the desk, not at the car.",
            "No walk to the car at handover.",
        ),
        "PY02": _p(
            "只能刷卡或现金，不能用微信和支付宝。",
            "收银台不支持移动支付。",
            "Card or cash only; no WeChat Pay or Alipay.",
            "No mobile payment at the cashier.",
        ),
        "PY03": _p(
            "收银台排队等了很久。",
            "只有一个收银员，结算排队十多分钟。",
            "A long queue at the cashier.",
            "One cashier only; over ten minutes queuing to pay.",
        ),
        "PY04": _p(
            "没有当场开发票，说电子发票过几天再发。",
            "一直没有收到电子发票。",
            "No invoice on the spot; told the e-invoice would come in a few days.",
            "The e-invoice never arrived.",
        ),
        "FU05": _p(
            "交车后一周内收到四次满意度调查。",
            "短信和电话反复邀请评价，很烦人。",
            "Four satisfaction surveys within a week of handover.",
            "Repeated texts and calls asking for a rating.",
        ),
        "FU06": _p(
            "回访时反映的异响问题没有人跟进。",
            "回访中提的问题至今没有答复。",
            "The noise reported in the follow-up was never followed up.",
            "No answer yet to the concern raised in the follow-up call.",
        ),
        "AR02": _p(
            "门卫没有指引，只能自己找售后接待区。",
            "门卫让车停在展厅门口，没有引导到售后区。",
            "The guard gave no directions; had to find service reception alone.",
            "The guard sent the car to the showroom, not service reception.",
        ),
        "AR03": _p(
            "入口处看不到售后接待标识。",
            "售后标识被广告牌挡住了。",
            "No service reception sign visible from the entrance.",
            "The service sign is hidden behind an advertising banner.",
        ),
        "AR04": _p(
            "停车后等了很久才有人上前接待。",
            "车停稳后十多分钟无人迎接。",
            "A long wait after parking before anyone came out.",
            "Over ten minutes parked at reception before a greeting.",
        ),
        "AR07": _p(
            "接待人员没有佩戴工牌。",
            "前台人员穿便装，没有穿工装。",
            "Reception staff without name badges.",
            "Front-desk staff in casual clothes, no uniform.",
        ),
        "AR08": _p(
            "接待台上堆满资料，地面有污渍。",
            "接待区垃圾桶满了没人清理。",
            "Reception desk cluttered, stains on the floor.",
            "The bins in reception were overflowing.",
        ),
        "RC02": _p(
            "电话预约已报过车牌和需求，到店又重新登记。",
            "预约时留的信息到店又要重填一遍。",
            "Had to repeat the plate and need already given when booking.",
            "The advisor asked again for the booking details.",
        ),
        "RC03": _p(
            "纸质单接车，没有使用平板。",
            "平板电脑放在抽屉里，仍用纸质接车单。",
            "Paper check-in, no tablet used.",
            "The tablet stayed in the drawer; paper check-in sheet.",
        ),
        "RC04": _p(
            "没有邀请客户一起环车检查。",
            "环车检查时把客户留在了前台。",
            "No invitation to walk round the car together.",
            "The advisor walked round the car alone and opened the order.",
        ),
        "RC05": _p(
            "环车检查只看了外观，没有检查轮胎和内饰。",
            "环车检查草草了事，漏看轮胎。",
            "The walk-around covered the bodywork only, not tyres or interior.",
            "A hurried walk-around; the tyres were skipped.",
        ),
        "RC06": _p(
            "没有当着客户的面铺设三件套。",
            "座椅套是进车间后才铺的。",
            "Covers not fitted in front of the customer.",
            "Seat covers were fitted only in the workshop.",
        ),
        "RC07": _p(
            "维修需求没有被复述确认。",
            "描述故障时被打断，需求没有复述确认。",
            "The advisor did not restate the concern.",
            "The advisor cut the customer off without confirming the need.",
        ),
        "RC10": _p(
            "没有告知预计交车时间。",
            "预计交车时间只说“尽快”。",
            "No promised completion time.",
            "The advisor only said 'as soon as possible'.",
        ),
        "RC12": _p(
            "没有问客户想用电话还是微信联系。",
            "联系方式偏好没有确认。",
            "The advisor did not ask how to send progress updates.",
            "No question whether updates should come by phone or text.",
        ),
        "RC13": _p(
            "保养项目解释不清，多次翻手册。",
            "常见问题答不上来，要去车间找师傅确认。",
            "The advisor was unsure about the service items and kept checking the manual.",
            "The advisor could not answer basic questions without asking the workshop.",
        ),
        "DG01": _p(
            "施工前没有提供书面估价单。",
            "只口头报价，没有估价单。",
            "No written estimate before work started.",
            "A verbal quote only, no estimate.",
        ),
        "DG02": _p(
            "估价单只有总价，没有分列零件和工时。",
            "估价单未区分零件费和工时费。",
            "The estimate shows a total only, no parts and labour split.",
            "Parts and labour not itemised on the estimate.",
        ),
        "DG08": _p(
            "被推销燃油清洗剂和空调清洗，与本次保养无关。",
            "里程远未到，却反复推荐更换刹车油。",
            "The advisor pushed a fuel-system cleaner unrelated to the service.",
            "The advisor kept pushing a brake-fluid change long before it was due.",
        ),
        "DG09": _p(
            "没有对照保养手册说明本次保养项目。",
            "保养项目只口头带过，未说明厂家要求。",
            "Service items not explained against the maintenance schedule.",
            "Items read out with no reference to the OEM schedule.",
        ),
        "WT02": _p(
            "入座十分钟没有人提供饮品。",
            "需要自己去找水喝。",
            "No drink offered in the first ten minutes.",
            "Had to go and find water myself.",
        ),
        "WT03": _p(
            "休息区桌上有用过的杯子，沙发有污渍。",
            "休息区空调太冷，座位不够。",
            "Used cups left on the tables, stained sofas in the lounge.",
            "The lounge was too cold and short of seats.",
        ),
        "WT05": _p(
            "洗手间地面湿滑，没有擦手纸。",
            "洗手间有明显异味。",
            "Restroom floor wet, no paper towels.",
            "The restroom smelled.",
        ),
        "WT07": _p(
            "充电车位被燃油车占用。",
            "等待区的充电桩坏了，无法充电。",
            "The charging bay was taken by a petrol car.",
            "The charger for waiting customers was out of order.",
        ),
        "ST01": _p(
            "接待区没有服务实况看板。",
            "看板关着，前台说已经坏了好几天。",
            "No live status board in reception.",
            "Board switched off; the front desk says it has been broken for days.",
        ),
        "ST02": _p(
            "看板上找不到本车信息。",
            "看板只显示了几台车，没有本车。",
            "The shopper's car was not on the board.",
            "The board listed a few cars but not ours.",
        ),
        "ST03": _p(
            "看板显示“维修中”，实际车已洗好停在交车区。",
            "看板进度与车辆实际进度不符。",
            "The board said in repair while the car was already washed and waiting.",
            "The board's status did not match the car's real progress.",
        ),
        "ST04": _p(
            "等了两个小时，一条进度消息都没有。",
            "直到完工前都不知道修到哪一步了。",
            "No progress updates during the service.",
            "Only one update, at completion.",
        ),
        "ST06": _p(
            "超时了才说要延后，之前没人讲。",
            "超过承诺时间才告知要延后。",
            "The delay was not announced.",
            "Told about the delay only after the promised time had passed.",
        ),
        "HO01": _p(
            "实际交车比承诺时间晚了很多。",
            "交车严重超时，顾问没有解释。",
            "The car was handed back well after the promised time.",
            "A late handover with no explanation.",
        ),
        "HO02": _p(
            "交车时没有逐项讲解已完成的工作。",
            "交车讲解只有一句“都做好了”。",
            "The work done was not explained item by item.",
            "The advisor only said 'all done'.",
        ),
        "HO04": _p(
            "没有主动展示更换下来的旧件。",
            "旧件已经被丢掉，客户要求查看也没有。",
            "Replaced parts not shown.",
            "The old parts had already been thrown away.",
        ),
        "HO08": _p(
            "没有告知下次保养的时间和里程。",
            "交车时没有提到下次保养。",
            "Next service date and mileage not given.",
            "No mention of the next service at handover.",
        ),
        "HO09": _p(
            "交车时很着急，态度敷衍。",
            "交车时一边打电话一边讲解。",
            "Rushed and curt at handover.",
            "The advisor took phone calls during the handover.",
        ),
        "HO11": _p(
            "没有主动补充玻璃水或检查胎压。",
            "取车时玻璃水仍是空的。",
            "Washer fluid not topped up, tyre pressures not checked.",
            "Washer fluid still empty at pick-up.",
        ),
        "PY01": _p(
            "结算时没有逐项说明，直接让付款。",
            "收银员只报了总价。",
            "No line-by-line explanation at payment.",
            "The cashier only read out the total.",
        ),
        "PY05": _p(
            "收银员要求扫个人微信收款码付款。",
            "被告知转账到私人账户可以“优惠”。",
            "Asked to pay to a personal WeChat QR code.",
            "Offered a 'discount' for paying into a personal account.",
        ),
        "FU02": _p(
            "回访人员没有说明姓名和门店。",
            "回访电话开头没有自我介绍。",
            "The caller did not give a name or the dealer.",
            "No introduction at the start of the follow-up call.",
        ),
        "FU03": _p(
            "回访只问了满意度，没有问车辆使用情况。",
            "回访没有询问维修效果。",
            "The follow-up asked for a score only, not how the car runs.",
            "No question about the repair result in the follow-up.",
        ),
        "FU04": _p(
            "回访电话要求给价格打分，并提示打满分。",
            "回访人员说“麻烦给个十分”。",
            "The follow-up call asked to rate the price and to give full marks.",
            "The caller asked for a ten out of ten.",
        ),
        "FU07": _p(
            "回访中没有邀请参加车主活动。",
            "没有提到免费检测活动。",
            "No invitation to an owners' event in the follow-up.",
            "No free check offered.",
        ),
        "FU08": _p(
            "整体体验一般，不太愿意推荐这家店。",
            "等待太久，推荐意愿低。",
            "An average experience overall; would hardly recommend it.",
            "Waited too long; unlikely to recommend.",
        ),
    },
}


def _sentence(text: str) -> str:
    return text.rstrip("。.?？ ")


# answer type (and, for yes/no, whether "no" is the compliant answer) -> ((zh templates), (en templates))
_FALLBACK: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "forbidden": (("现场发生：{zh}。", "{zh}——已记录。"), ("Observed: {en}.", "It happened: {en}.")),
    AnswerType.NUMBER.value: (
        ("{zh}超出标准。", "{zh}不达标。"),
        ("Outside the standard: {en}.", "Not to standard: {en}."),
    ),
    AnswerType.SCALE.value: (("{zh}较差。", "{zh}不理想。"), ("Rated low: {en}.", "Below standard: {en}.")),
    AnswerType.SINGLE_CHOICE.value: (
        ("{zh}不符合要求。", "{zh}不理想。"),
        ("Short of the standard: {en}.", "Not as required: {en}."),
    ),
    AnswerType.MULTIPLE_CHOICE.value: (
        ("{zh}不全。", "{zh}不符合要求。"),
        ("Incomplete: {en}.", "Short of the standard: {en}."),
    ),
    "missed": (("未做到：{zh}。", "没有做到：{zh}。"), ("Not done: {en}.", "Not seen: {en}.")),
}


def fallback_notes(item: Item) -> NotePool:
    """A note built from the item's own text, worded for its answer type: what an auditor writes when nothing
    more specific comes to mind, still naming what failed."""
    zh, en = _sentence(item.text.zh), _sentence(item.text.en)
    en = en[:1].lower() + en[1:]
    if item.type is AnswerType.YES_NO:
        kind = (
            "forbidden" if item.compliant_answer == "no" else "missed"
        )  # "no" compliant: a thing that must not happen
    else:
        kind = item.type.value if item.type.value in _FALLBACK else "missed"
    zh_templates, en_templates = _FALLBACK[kind]
    return NotePool(tuple(t.format(zh=zh) for t in zh_templates), tuple(t.format(en=en) for t in en_templates))


def notes_for(standard_id: str, item: Item) -> NotePool:
    """The phrase pool for failures of `item` in `standard_id`."""
    return ITEM_NOTES.get(standard_id, {}).get(item.id) or fallback_notes(item)
