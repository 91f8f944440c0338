"""Every user-facing string, Vietnamese first, so that the copy is reviewed in one place.

Chat messages are Vietnamese (the people using the bot read it); command-line output for the
admin is Vietnamese with the English key words in brackets, where a technician may help.
"""

from __future__ import annotations

# --- roster import (command line) -----------------------------------------------------------
ROSTER_NO_CODE = "thiếu mã cán bộ (staff_code)"
ROSTER_DUPLICATE_CODE = "mã cán bộ {code} trùng với dòng {line} (duplicate staff_code)"
ROSTER_BAD_CODE = (
    "mã cán bộ {code!r} không hợp lệ: chỉ chữ không dấu, số, - và _, tối đa 16 ký tự (staff_code)"
)
ROSTER_BAD_UNIT_CODE = (
    "mã đơn vị {unit!r} không hợp lệ: chỉ chữ không dấu, số, - và _, tối đa 16 ký tự (unit_code)"
)
ROSTER_NO_NAME = "thiếu họ và tên (full_name)"
ROSTER_NO_UNIT = "thiếu mã hoặc tên đơn vị (unit_code, unit_name)"
ROSTER_UNIT_RENAMED = "đơn vị {unit} đã có tên khác ở dòng {line}: {name!r} (unit_name)"
ROSTER_UNKNOWN_ROLE = "vai trò không hợp lệ: {roles} (roles: staff, head, office, admin)"
ROSTER_UNKNOWN_HEADED_UNIT = "là lãnh đạo của đơn vị không có trong tệp: {units} (roles: head:UNIT)"
ROSTER_BAD_PHONE = "số điện thoại không phải số Việt Nam: {phone!r} (phone)"
ROSTER_DUPLICATE_PHONE = "số điện thoại trùng với dòng {line} (duplicate phone)"
ROSTER_EMPTY = "tệp không có dòng dữ liệu nào (no rows)"
ROSTER_MISSING_COLUMNS = "dòng 1: thiếu cột {columns} (missing columns)"
ROSTER_NOT_UTF8 = "Tệp không ở dạng UTF-8 (not UTF-8). Trong Excel, chọn Lưu thành → “CSV UTF-8 (Comma delimited)”."
ROSTER_UNCOMPUTED = "Tệp có ô công thức chưa được tính (dòng:cột {cells}). Mở tệp trong Excel, sao chép rồi “Dán giá trị” (Paste Values), lưu lại và nhập lại."
FILE_NOT_FOUND = (
    "Không có tệp {path}. Kiểm tra tên và thư mục (đường dẫn tương đối tính từ thư mục đang đứng)."
)
FILE_IS_FOLDER = "{path} là một thư mục, không phải tệp."
ROSTER_UNREADABLE = "Không đọc được tệp {path}: {error}"
ROSTER_ERROR_LINE = "dòng {line}: {reason}"
ROSTER_REJECTED = "Không nhập gì cả: {count} dòng lỗi (nothing imported)."
ROSTER_SUMMARY = (
    "Đã nhập danh sách: thêm {added}, cập nhật {updated}, không đổi {unchanged}, "
    "ngừng hoạt động {deactivated} (added / updated / unchanged / deactivated)."
)
ROSTER_NO_CHANGE = "Danh sách không có gì thay đổi: {unchanged} người, không ghi gì (no change)."

# --- invites (command line) -----------------------------------------------------------------
INVITES_NONE = "Không còn ai chưa đăng ký{unit} (nobody left to invite)."
INVITES_UNKNOWN_UNIT = "Không có đơn vị {unit} (unknown unit)."
INVITES_DONE = "Đã tạo {count} mã mời, hết hạn ngày {expires} (invite codes issued)."
INVITES_WRITTEN = "Đã ghi vào {path}."
INVITES_NO_USERNAME = (
    "Chưa đặt BOT_USERNAME nên cột link để trống; người nhận gõ mã vào bot (no BOT_USERNAME)."
)

# --- running --------------------------------------------------------------------------------
# Period reports (python -m bot report; /baocao) in the format of Decree 30/2020/NĐ-CP
REPORT_NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
REPORT_MOTTO = "Độc lập - Tự do - Hạnh phúc"
REPORT_RULE_SHORT = "_______________"
REPORT_RULE_LONG = "____________________________"
REPORT_NUMBER = "Số:       /{symbol}"
REPORT_DATE_LINE = "{place}, ngày {d} tháng {m} năm {y}"
REPORT_PLACE_UNSET = "……"
REPORT_KIND = "BÁO CÁO"
REPORT_SUBJECT = (
    "Tình hình khai báo y tế, cập nhật mức nguy cơ và phong trào “Người tốt, việc tốt”"
    " từ ngày {first} đến ngày {last}"
)
REPORT_PART_GENERAL = "I. TÌNH HÌNH CHUNG"
REPORT_GENERAL = (
    "Trong {days} ngày làm việc, {people} cán bộ của {units} đơn vị đã khai báo y tế"
    " {rate} số lượt phải khai báo (buổi sáng {morning}, buổi chiều {afternoon}); {late} lượt"
    " khai báo muộn, {missing} lượt chưa khai báo, {leave} ngày nghỉ phép. Có {alerts} lượt"
    " khai báo có triệu chứng hoặc tiếp xúc. Cập nhật bản đồ nguy cơ trước 15:00: {on_time}"
    " lượt đúng hạn, {risk_late} lượt muộn, {missed} lượt chưa cập nhật. Phong trào “Người"
    " tốt, việc tốt”: {proposed} đề xuất, {approved} được duyệt."
)
REPORT_PART_UNITS = "II. KẾT QUẢ THEO ĐƠN VỊ"
REPORT_PART_PEOPLE = "III. KẾT QUẢ THEO CÁ NHÂN"
REPORT_UNIT_HEADER = (
    "Đơn vị", "Số người", "Tỷ lệ sáng", "Tỷ lệ chiều", "Tỷ lệ chung", "Muộn", "Chưa khai báo",
    "Ngày nghỉ", "Cảnh báo", "15:00 đúng hạn/muộn/bỏ lỡ", "Đề xuất/duyệt",
)  # fmt: skip
REPORT_UNIT_NOTE = (
    "Số người tính theo danh sách của từng ngày (người chuyển đơn vị được tính ở mỗi đơn vị"
    " trong những ngày thuộc đơn vị đó); ngày nghỉ phép không tính là phải khai báo."
)
REPORT_PERSON_HEADER = (
    "Họ và tên", "Mã cán bộ", "Đơn vị", "Đã khai/phải khai", "Tỷ lệ", "Muộn", "Chưa khai báo",
    "Ngày nghỉ", "Cảnh báo",
)  # fmt: skip
REPORT_WEEK_HEADER = ("Đơn vị", "Tuần bắt đầu", "Tỷ lệ khai báo")
REPORT_HEADS_TITLE = "Lãnh đạo đơn vị trong kỳ (theo danh sách từng ngày):"
REPORT_HEADS_LINE = "{unit}: {heads}."
REPORT_HEAD_TERM = "{name} ({first}–{last})"
REPORT_HEADS_HEADER = ("Đơn vị", "Lãnh đạo đơn vị", "Từ ngày", "Đến ngày")
REPORT_SHEET_HEADS = "Lãnh đạo đơn vị"
REPORT_TOTAL = "Toàn cơ quan"
REPORT_SHEET_UNITS = "Theo đơn vị"
REPORT_SHEET_PEOPLE = "Theo cá nhân"
REPORT_SHEET_WEEKS = "Theo tuần"
REPORT_CHART_CAPTIONS = (
    "Biểu đồ 1. Tỷ lệ khai báo theo tuần của từng đơn vị",
    "Biểu đồ 2. Cập nhật bản đồ nguy cơ trước 15:00 theo đơn vị",
    "Biểu đồ 3. Số lượt khai báo có triệu chứng hoặc tiếp xúc theo tuần",
)
REPORT_RECIPIENTS = "Nơi nhận:"
REPORT_RECIPIENT_LINES = ("- Lãnh đạo Sở;", "- Các đơn vị;", "- Lưu: VT.")
REPORT_NOT_ALLOWED = (
    "Báo cáo định kỳ dành cho Văn phòng và trưởng đơn vị (báo cáo của đơn vị mình)."
)
REPORT_PERIOD_ASK = "📑 Báo cáo kỳ nào?"
REPORT_PERIODS = {
    "month": "Tháng này",
    "lastmonth": "Tháng trước",
    "quarter": "Quý này",
    "year": "Năm nay",
    "custom": "Chọn khoảng ngày (sơ kết)",
}
REPORT_WRITTEN = "Đã ghi báo cáo {first}–{last} ({people} dòng theo cá nhân) vào {path}."
REPORT_SUFFIX = "Báo cáo ghi ra tệp .docx hoặc .xlsx, không phải “{path}”."
REPORT_NO_UNIT = "Không có đơn vị mã “{unit}”."
REPORT_RANGE_TOO_LONG = "Một báo cáo tối đa 366 ngày."
ALERT_CHOICE_WORDS = {"ngay": True, "ngày": True, "tonghop": False, "tổng hợp": False}
ALERT_CHOICE_EACH = "🔔 Bạn nhận từng cảnh báo y tế ngay khi có."
ALERT_CHOICE_DIGEST = "🗒️ Bạn nhận các cảnh báo y tế gộp một lần, lúc chốt cuối ngày."
ALERT_CHOICE_HOW = "Gõ /canhbao ngay để nhận từng cảnh báo, /canhbao tonghop để nhận bản tổng hợp."
ALERT_DIGEST = "⚠️ Khai báo có triệu chứng hoặc tiếp xúc ngày {day} ({count}):\n{lines}"
ALERT_DIGEST_NONE = "✅ Ngày {day}: không có khai báo nào có triệu chứng hoặc tiếp xúc."
WEEKLY_CHART_CAPTION = "📈 {unit}: tỷ lệ khai báo {weeks} tuần gần nhất"
CHART_RATE_AXIS = "Tỷ lệ khai báo (%)"
CHART_WEEK_AXIS = "Tuần bắt đầu"
CHART_WEEKLY_TITLE = "Tỷ lệ khai báo theo tuần"
CHART_ON_TIME = "Đúng hạn"
CHART_LATE = "Muộn"
CHART_MISSED = "Bỏ lỡ"
CHART_DAYS_AXIS = "Số ngày"
CHART_RISK_TITLE = "Cập nhật bản đồ nguy cơ trước 15:00"
CHART_LOWEST = " ({count} đơn vị thấp nhất trong {total})"
CHART_LATEST = " ({count} đơn vị bỏ lỡ nhiều nhất trong {total})"
CHART_ALERTS_AXIS = "Số lượt"
CHART_ALERTS_TITLE = "Khai báo có triệu chứng hoặc tiếp xúc theo tuần"
# The local demo (python -m bot demo)
DEMO_READY = "Bản dùng thử Sổ Khỏe: mở {url} trong trình duyệt. Nhấn Ctrl+C để dừng."
DEMO_STOPPED = "Đã dừng bản dùng thử; dữ liệu thử đã được xóa."
DEMO_PORT_BUSY = "Cổng {port} đang được dùng. Hãy chọn cổng khác: python -m bot demo --port 8766"
DEMO_STARTING = "Bản dùng thử đang khởi động, vui lòng thử lại sau giây lát."
DEMO_BAD_REQUEST = "Yêu cầu không hợp lệ."
DEMO_NO_SUCH_PERSON = "Không có người này trong bản dùng thử."
DEMO_EMPTY_TEXT = "Tin nhắn trống."
DEMO_NO_SUCH_BUTTON = "Nút này không còn trên tin nhắn."
DEMO_NOT_A_PHOTO = "Chỉ gửi được ảnh JPEG hoặc PNG."
DEMO_TOO_LARGE = "Tệp quá lớn (tối đa 5 MB)."
DEMO_WEEKLY = " và tổng hợp tuần"
DEMO_EVENTS = {
    "morning:prompt": "Mời khai báo buổi sáng",
    "morning:reminder": "Nhắc người chưa khai báo",
    "morning:close": "Chốt buổi sáng, tổng hợp gửi lãnh đạo",
    "risk:sheet": "Gửi bảng cập nhật nguy cơ",
    "risk:reminder": "Nhắc cập nhật bản đồ nguy cơ",
    "risk:deadline": "Hạn cập nhật 15:00",
    "afternoon:prompt": "Mời khai báo cuối ngày",
    "afternoon:reminder": "Nhắc người chưa khai báo",
    "afternoon:close": "Chốt cuối ngày",
    "report:monthly": "Báo cáo tháng trước gửi lãnh đạo (ngày làm việc đầu tháng)",
}
CLI_BAD_PORT = "“{value}” không phải số cổng (0–65535)."
RUN_STARTED = "Sổ Khỏe đang chạy ({channels}). Nhấn Ctrl+C để dừng."
RUN_STOPPED = "Sổ Khỏe đã dừng."

# --- enrolment ------------------------------------------------------------------------------
START_UNKNOWN = (
    "Xin chào! Đây là Sổ Khỏe, sổ khai báo y tế hằng ngày của {org}.\n\n"
    "Để bắt đầu, hãy bấm nút “Chia sẻ số điện thoại” bên dưới (số phải trùng với số trong "
    "danh sách cán bộ), hoặc gõ mã mời mà văn phòng đã gửi bạn."
)
SHARE_PHONE_BUTTON = "📱 Chia sẻ số điện thoại"
NOT_ENROLLED = (
    "Bạn chưa đăng ký dùng Sổ Khỏe. Hãy gõ /start và chia sẻ số điện thoại, "
    "hoặc gõ mã mời do văn phòng cấp."
)
INVITE_UNKNOWN = (
    "Mã mời này không đúng. Bạn kiểm tra lại mã (chữ in hoa và số), "
    "hoặc liên hệ văn phòng để được cấp mã mới."
)
INVITE_WAIT = "Bạn đã nhập sai mã mời {count} lần trong một giờ. Vui lòng đợi một giờ rồi thử lại, hoặc liên hệ văn phòng để được cấp mã mới."
INVITE_EXPIRED = "Mã mời này đã hết hạn. Bạn liên hệ văn phòng để được cấp mã mới."
INVITE_USED = (
    "Mã mời này đã được dùng. Mỗi mã chỉ dùng một lần; nếu bạn đổi tài khoản, "
    "hãy xin văn phòng mã mới."
)
PERSON_INACTIVE = "Tên bạn hiện không còn trong danh sách cán bộ. Bạn liên hệ văn phòng giúp."
CONTACT_NOT_YOURS = (
    "Bạn chỉ có thể đăng ký bằng số điện thoại của chính mình. "
    "Hãy bấm nút “Chia sẻ số điện thoại” bên dưới."
)
CONTACT_NOT_FOUND = (
    "Số điện thoại {phone} không có trong danh sách cán bộ. Bạn liên hệ văn phòng để "
    "cập nhật số hoặc nhận mã mời."
)
CONTACT_NO_PHONE = "Không đọc được số điện thoại. Hãy bấm nút “Chia sẻ số điện thoại” bên dưới."
ALREADY_ENROLLED = "Bạn đã đăng ký rồi, {name}. Gõ /help để xem các lệnh."
LINKED = "Xin chào {name} ({unit})! Tài khoản này đã được liên kết với hồ sơ của bạn."

CONSENT_VERSION = "2026-12"  # a new text is a new version: everyone is asked again
CONSENT_NOTICE = (
    "🔒 Đồng ý xử lý dữ liệu sức khỏe\n\n"
    "Sổ Khỏe ghi lại khai báo y tế hằng ngày của bạn (nơi làm việc, triệu chứng, tiếp xúc) "
    "để {org} theo dõi và phòng, chống dịch theo kế hoạch của cơ quan.\n\n"
    "Đây là dữ liệu cá nhân nhạy cảm theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 và "
    "Nghị định 356/2025/NĐ-CP. Chỉ bạn, lãnh đạo đơn vị của bạn và Văn phòng được xem. "
    "Bạn có thể xem, tải về dữ liệu của mình (/dulieu), rút lại sự đồng ý (/rutdongy) hoặc yêu "
    "cầu xóa (/xoadulieu) bất cứ lúc nào. Dữ liệu sức khỏe được xóa sau {days} ngày, và khi bạn "
    "rời cơ quan. Tin nhắn đi qua máy chủ của Telegram (ở nước ngoài) hoặc Zalo. Đề xuất khen "
    "thưởng đã được biểu dương công khai là văn bản công khai, không bị xóa.\n\n"
    "Bạn có đồng ý không?"
)
CONSENT_YES = "✅ Tôi đồng ý"
CONSENT_NO = "Không đồng ý"
CONSENT_NEEDED = "Bạn cần đồng ý với thông báo về dữ liệu sức khỏe trước khi khai báo."
CONSENT_DECLINED = (
    "Bạn chưa đồng ý, nên Sổ Khỏe sẽ không ghi nhận khai báo nào của bạn. "
    "Khi nào bạn muốn bắt đầu, hãy gõ /start."
)
WELCOME = (
    "Cảm ơn bạn! Đã ghi nhận sự đồng ý lúc {time}.\n\n"
    "Từ ngày làm việc tới, Sổ Khỏe sẽ nhắn bạn hai lần mỗi ngày: buổi sáng khi đến cơ quan và "
    "cuối giờ chiều. Chỉ cần một chạm nếu bạn khỏe. Gõ /help để xem các lệnh."
)

# --- help and /me ---------------------------------------------------------------------------
HELP_HEADER = "Các lệnh bạn dùng được:"
HELP_FOOTER = "Có vướng mắc, bạn liên hệ Văn phòng."
COMMAND_DESCRIPTIONS = {
    "start": "Bắt đầu, đăng ký",
    "help": "Danh sách lệnh",
    "me": "Thông tin của tôi",
}
ROLE_NAMES = {
    "staff": "cán bộ",
    "head": "lãnh đạo đơn vị",
    "office": "văn phòng",
    "admin": "quản trị",
    "leader": "lãnh đạo Sở",
}
ME = (
    "👤 {name}\nMã cán bộ: {code}\nĐơn vị: {unit}\nVai trò: {roles}\n"
    "Tài khoản đã liên kết: {accounts}\nĐồng ý xử lý dữ liệu: {consent}"
)
CONSENT_GIVEN = "đã đồng ý"
CONSENT_MISSING = "chưa đồng ý (gõ /start)"
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo"}

# --- refusals and hints ---------------------------------------------------------------------
GROUP_POINTER = "Sổ Khỏe chỉ làm việc trong tin nhắn riêng. Bạn nhắn riêng cho bot nhé: {link}"
GROUP_POINTER_ZALO = (
    "Sổ Khỏe chỉ làm việc trong tin nhắn riêng. Bạn nhắn riêng cho bot Sổ Khỏe trên Zalo nhé."
)
FORWARDED_REFUSED = (
    "Tin nhắn chuyển tiếp không được dùng để khai báo hay xác minh. Bạn gửi trực tiếp nhé."
)
UNKNOWN_COMMAND = "Sổ Khỏe không có lệnh này. Gõ /help để xem các lệnh."
NOT_ALLOWED = "Lệnh này chỉ dành cho {role}. Gõ /help để xem các lệnh của bạn."
OR = " hoặc "
FREE_TEXT_HINT = (
    "Sổ Khỏe chưa hiểu tin nhắn này. Bạn dùng các nút bấm, hoặc gõ /help để xem các lệnh."
)
UNSUPPORTED = "Sổ Khỏe chỉ đọc tin nhắn chữ và nút bấm. Gõ /help để xem các lệnh."
STALE_BUTTON = "Nút này không còn dùng được. Gõ /help để xem các lệnh."
FORGED_BUTTON = "Nút bấm không hợp lệ."
INTERNAL_ERROR = "Xin lỗi, Sổ Khỏe gặp lỗi khi xử lý tin nhắn này. Bạn thử lại sau ít phút nhé."
ADMIN_SEND_FAILED = (
    "⚠️ Không gửi được tin {id} ({channel}) sau nhiều lần thử: {error}. Các tin khác vẫn được gửi."
)
ADMIN_ERROR = "⚠️ Lỗi khi xử lý sự kiện {key}: {error}"

# --- daily check-in -------------------------------------------------------------------------
SLOT_NAMES = {"morning": "buổi sáng", "afternoon": "buổi chiều"}
SLOT_SHORT = {"morning": "Sáng", "afternoon": "Chiều"}
WEEKDAYS = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]
PROMPT_HEADER = {
    "morning": "☀️ Chào buổi sáng! Khai báo y tế đầu ngày {day}.",
    "afternoon": "🌇 Khai báo y tế cuối ngày {day}.",
}
PROMPT_HINT = "Nếu bạn khỏe, chỉ cần chọn ✅ đầu tiên."
REMINDER_HEADER = "⏰ Bạn chưa khai báo {slot} hôm nay. Lượt khai báo đóng lúc {close}."
MULTI_DONE = "Xong ➡️"
MULTI_NONE = "Không có triệu chứng nào ➡️"
NONE_CHOSEN = "không có"
DECLARED = "✅ Đã ghi nhận khai báo {slot} lúc {time} ngày {day}."
DECLARED_LATE = "⏰ Khai báo sau giờ đóng nên được ghi là khai muộn."
DECLARED_ALREADY = "✅ Bạn đã khai báo {slot} rồi, không cần bấm lại. Muốn sửa, bấm “Khai báo lại”."
REDO = "✏️ Khai báo lại"
GUIDANCE = (
    "🩺 Bạn đã báo có triệu chứng hoặc yếu tố dịch tễ. Lãnh đạo đơn vị và Văn phòng đã được báo.\n"
    "Bạn nên ở nhà, hạn chế tiếp xúc, đeo khẩu trang, theo dõi sức khỏe và liên hệ ngay cán bộ y tế "
    "cơ quan hoặc trạm y tế nơi ở để được hướng dẫn."
)
ALERT = (
    "🚨 Cảnh báo y tế\n{name} — {unit}\nKhai báo {slot} lúc {time}: {reported}.\n"
    "Đề nghị liên hệ, hướng dẫn và cập nhật mức nguy cơ."
)
STALE_PROMPT = "Lượt khai báo đó đã đóng. Đây là lượt khai báo hiện tại:"
DECLARE_NOT_TODAY = (
    "Hôm nay ({day}) không phải ngày làm việc{holiday}, nhưng bạn vẫn có thể khai báo."
)
COMMAND_DESCRIPTIONS.update(
    {
        "khaibao": "Khai báo y tế ngay",
        "lichsu": "Khai báo 7 ngày qua của tôi",
        "nghi": "Báo nghỉ phép (ví dụ: /nghi 24/11 26/11)",
    }
)

# --- history --------------------------------------------------------------------------------
HISTORY_HEADER = "📒 Khai báo 7 ngày qua:"
HISTORY_LEAVE = "🌴 nghỉ phép"
HISTORY_DAY_OFF = "nghỉ"
HISTORY_LEGEND = "✅ đã khai · ⚠️ có triệu chứng/tiếp xúc · ⏰ khai muộn · — chưa khai"

# --- leave ----------------------------------------------------------------------------------
LEAVE_USAGE = (
    "Cách báo nghỉ: /nghi 24/11 (một ngày) hoặc /nghi 24/11 26/11 (từ ngày đến ngày).\n"
    "Lãnh đạo đơn vị báo nghỉ cho cán bộ: /nghi MÃ_CÁN_BỘ 24/11 26/11."
)
LEAVE_BAD_DATE = "Không đọc được ngày “{text}”. Bạn viết theo dạng ngày/tháng, ví dụ 24/11."
LEAVE_BACKWARDS = "Ngày kết thúc phải sau ngày bắt đầu."
LEAVE_TOO_LONG = "Mỗi lần báo nghỉ tối đa {days} ngày."
LEAVE_PAST = "Không thể báo nghỉ cho ngày đã qua."
LEAVE_SAVED = "🌴 Đã ghi nhận nghỉ phép của {name} từ {first} đến {last}. Trong những ngày này Sổ Khỏe sẽ không nhắc khai báo."
LEAVE_SAVED_BY_HEAD = "🌴 {head} đã ghi nhận bạn nghỉ phép từ {first} đến {last}. Sổ Khỏe sẽ không nhắc khai báo trong những ngày này."
LEAVE_NOT_HEAD = "Chỉ lãnh đạo đơn vị mới báo nghỉ cho người khác."
LEAVE_UNKNOWN_PERSON = "Không có cán bộ mã {code} trong đơn vị của bạn."
LEAVE_CURRENT = "Nghỉ phép sắp tới của bạn: {ranges}."

# --- summaries for heads and the office -----------------------------------------------------
AND_MORE = " và {count} người khác"
SUMMARY_HEADER = "📊 {unit} — khai báo {slot}"
SUMMARY_COUNTS = "Đã khai báo: {declared}/{expected} ({rate})"
SUMMARY_LATE = ", {count} muộn"
SUMMARY_ON_LEAVE = "🌴 Nghỉ phép ({count})"
SUMMARY_UNREACHABLE = "📵 Không liên lạc được ({count}; chặn bot hoặc chưa đăng ký)"
SUMMARY_WITHDRAWN = "🚫 Đã rút đồng ý ({count}, không tính là chưa khai báo)"
SUMMARY_MISSING = "⏳ Chưa khai báo ({count})"
SUMMARY_REPORTED = "⚠️ Có triệu chứng hoặc tiếp xúc ({count}):"
SUMMARY_ALL_DONE = "👏 Cả đơn vị đã khai báo đầy đủ."
OFFICE_HEADER = "🏢 Toàn Sở — khai báo {slot}"
OFFICE_WORST_FIRST = "Theo đơn vị, thấp nhất trước:"
OFFICE_ALERTS = " ⚠️{count}"
NUDGE_BUTTON = "🔔 Nhắc người chưa khai báo"
FULL_LIST_BUTTON = "📋 Danh sách đầy đủ"
WEEKLY_HEADER = "🗓️ Tổng kết tuần {first}–{last} — {unit}"
WEEKLY_DAYS = "Theo ngày: "
WEEKLY_OFFICE_HEADER = "🗓️ Tổng kết tuần {first}–{last} — toàn Sở, theo đơn vị (thấp nhất trước):"

# --- head commands --------------------------------------------------------------------------
COMMAND_DESCRIPTIONS.update(
    {
        "rutdongy": "Rút lại sự đồng ý xử lý dữ liệu sức khỏe",
        "dulieu": "Xem và tải dữ liệu của tôi",
        "xoadulieu": "Yêu cầu xóa dữ liệu của tôi",
    }
)
COMMAND_DESCRIPTIONS.update(
    {
        "tinhhinh": "Tình hình khai báo hôm nay của đơn vị",
        "chuakhai": "Ai chưa khai báo lượt này",
        "nhac": "Nhắc người chưa khai báo ngay",
    }
)
CHOOSE_UNIT = "Bạn muốn xem đơn vị nào?"
WHOLE_ORG = "🏢 Toàn Sở"
NOBODY_MISSING = "👏 {unit}: không còn ai chưa khai báo {slot}."
MISSING_LIST = "⏳ {unit} — chưa khai báo {slot} ({count}):\n{names}"
NUDGE_HEADER = "🔔 Lãnh đạo đơn vị nhắc bạn khai báo {slot}."
NUDGE_NO_SLOT = "Hôm nay chưa có lượt khai báo nào để nhắc: chỉ nhắc được trong ngày làm việc, sau giờ gửi lời nhắc đầu tiên ({first})."
NUDGED = "🔔 Đã nhắc {count} người chưa khai báo ở {unit}."
NUDGE_NOBODY = (
    "Không có ai để nhắc ở {unit}: mọi người đã khai báo, nghỉ phép hoặc không liên lạc được."
)
NUDGE_TOO_SOON = "{unit} vừa được nhắc lúc {time}. Bạn có thể nhắc lại sau {minutes} phút nữa."
NOT_YOUR_UNIT = "Bạn không phải lãnh đạo của đơn vị này."
NOT_A_WORKING_DAY = "Hôm nay không phải ngày làm việc."

# --- the risk update ------------------------------------------------------------------------
RISK_NAMES = {"v": "Nguy cơ rất cao", "h": "Nguy cơ cao", "r": "Nguy cơ", "n": "Bình thường mới"}
RISK_SHEET_HEADER = "🗺️ Cập nhật mức nguy cơ lên bản đồ — {unit}, ngày {day}"
RISK_UNIT_LEVEL = "Mức của đơn vị (gợi ý): {level}"
RISK_ROW_NOT_DECLARED = " (chưa khai báo)"
RISK_ROW_ON_LEAVE = " (nghỉ phép)"
RISK_CHANGED_MARK = " 🆕"
RISK_CHANGED_LEGEND = "🆕 khác hôm trước"
RISK_ROW_REPORTED = " ({tags})"
RISK_ROW_SET_BY_HEAD = " [trưởng đơn vị đặt; gợi ý: {suggested}]"
RISK_TAG_NAMES = {"contact": "tiếp xúc gần", "area": "từ vùng dịch", "symptom": "có triệu chứng"}
RISK_SHEET_FOOTER = "Cập nhật từng người lên bản đồ dịch tễ trước {deadline}, rồi bấm “Đã cập nhật”. Có thể điều chỉnh mức trước khi xác nhận."
RISK_OPENED_BY_ALERT = (
    "🚨 Cảnh báo ở {unit}: {name} ({time}). Đề nghị cập nhật bản đồ nguy cơ ngay."
)
RISK_ALERT_IN_OPEN = "🚨 Cảnh báo mới ở {unit}: {name} ({time}). Bảng dưới đã gồm cảnh báo này."
RISK_REOPENED = "🚨 Có cảnh báo mới ở {unit}: {name} ({time}). Đề nghị cập nhật lại bản đồ ngay."
RISK_REMINDER = "⏰ {unit} chưa xác nhận cập nhật bản đồ. Hạn chót {deadline}."
RISK_LATE_HEAD = "⛔ Đã quá {deadline}: {unit} chưa xác nhận cập nhật bản đồ. Đề nghị cập nhật và xác nhận ngay; Văn phòng đã được báo."
RISK_MISSED_OFFICE = (
    "⛔ Đến {deadline}, các đơn vị chưa cập nhật bản đồ nguy cơ ({count}):\n{units}"
)
RISK_ALL_ON_TIME = "✅ Đến {deadline}, tất cả đơn vị đã cập nhật bản đồ nguy cơ."
RISK_CONFIRM_BUTTON = "✅ Đã cập nhật bản đồ"
RISK_EDIT_BUTTON = "✏️ Điều chỉnh mức"
RISK_BACK_BUTTON = "↩️ Quay lại"
RISK_PREV = "◀️"
RISK_NEXT = "▶️"
RISK_CHOOSE_PERSON = "Chọn người cần điều chỉnh mức nguy cơ ({unit}):"
RISK_CHOOSE_LEVEL = "Mức nguy cơ của {name} hôm nay (gợi ý: {suggested}):"
RISK_CONFIRMED = "✅ Đã ghi nhận: {unit} cập nhật bản đồ lúc {time} ngày {day}."
RISK_CONFIRMED_LATE = " (muộn, sau {deadline})"
RISK_CONFIRMED_BY = "✅ {head} đã xác nhận cập nhật bản đồ của {unit} lúc {time}."
RISK_ALREADY_CONFIRMED = "Bản đồ của {unit} hôm nay đã được xác nhận lúc {time}."
RISK_NO_SHEET = "Chưa có bảng cập nhật nguy cơ cho {unit} hôm nay."
RISK_STALE = "Bảng này đã cũ. Đây là bảng hiện tại:"

# --- good people, good deeds ----------------------------------------------------------------
COMMAND_DESCRIPTIONS.update(
    {
        "decu": "Đề xuất biểu dương người tốt, việc tốt",
        "decucuatoi": "Các đề xuất của tôi",
        "choduyet": "Đề xuất đang chờ tôi xem xét",
        "huy": "Hủy thao tác đang làm",
    }
)
DEED_CATEGORIES = {
    "frontline": "Tuyến đầu chống dịch",
    "support": "Hỗ trợ, ủng hộ",
    "idea": "Sáng kiến",
    "other": "Khác",
}
DEED_FORMS = {
    "director": "Giấy khen của Giám đốc Sở",
    "chairman": "Bằng khen của Chủ tịch UBND tỉnh",
    "higher": "Hình thức cao hơn",
}
DEED_KINDS = {"adhoc": "đột xuất", "thematic": "chuyên đề"}
DEED_STATES = {
    "submitted": "⏳ chờ lãnh đạo đơn vị đề nghị",
    "returned": "↩️ trả lại để sửa",
    "endorsed": "📨 chờ Văn phòng xét duyệt",
    "approved": "🏅 đã duyệt",
    "rejected": "✖️ không duyệt",
    "published": "📣 đã biểu dương",
}
DEED_DECISION = "{form}, QĐ số {number} ngày {date}"
DEED_CARD_NUMBER = "🌟 Đề xuất #{id}"
DEED_CARD_DRAFT = "🌟 Đề xuất (xem lại trước khi gửi)"
DEED_CARD_NOMINEE = "Người/đơn vị được đề xuất: {name}"
DEED_CARD_CATEGORY = "Lĩnh vực: {category}"
DEED_CARD_FORM = "Hình thức đề nghị: {form} ({kind})"
DEED_CARD_PHOTOS = "Kèm {count} ảnh"
DEED_CARD_STATE = "Trạng thái: {state}"
DEED_LIST_LINE = "#{id} · {nominee} · {category} · {state}"
DEED_NOMINEE_ASK = "🌟 Đề xuất biểu dương người tốt, việc tốt.\nBạn đề xuất ai?"
DEED_NOMINEE_SELF = "Bản thân tôi"
DEED_NOMINEE_PERSON = "Một đồng nghiệp"
DEED_NOMINEE_UNIT = "Cả một đơn vị"
DEED_SEARCH_ASK = "Gõ một phần họ tên đồng nghiệp (ví dụ: Hoa, hoặc Nguyễn Thị)."
DEED_SEARCH_NONE = "Không tìm thấy ai có tên “{text}”. Bạn gõ lại một phần họ tên khác nhé."
DEED_SEARCH_MANY = (
    "Có {count} người trùng; đây là {shown} người đầu. Chọn một người, hoặc gõ cụ thể hơn:"
)
DEED_SEARCH_PICK = "Chọn đồng nghiệp:"
DEED_UNIT_ASK = "Chọn đơn vị được đề xuất:"
DEED_CATEGORY_ASK = "Việc tốt thuộc lĩnh vực nào?"
DEED_STORY_ASK = "Kể lại việc tốt: ai, làm gì, khi nào, kết quả ra sao ({minimum}–{maximum} ký tự)."
DEED_TOO_SHORT = "Câu chuyện mới có {count} ký tự; cần ít nhất {minimum}. Bạn kể cụ thể hơn nhé."
DEED_TOO_LONG = "Câu chuyện dài {count} ký tự; tối đa {maximum}. Bạn rút gọn giúp nhé."
DEED_PHOTOS_ASK = "Gửi tối đa {maximum} ảnh minh họa (không bắt buộc), rồi bấm “Xong”."
DEED_PHOTO_SAVED = "Đã nhận ảnh {count}/{maximum}."
DEED_PHOTOS_FULL = "Đã đủ {maximum} ảnh. Bấm “Xong” để tiếp tục."
DEED_ONLY_PHOTOS = "Chỉ nhận ảnh (gửi dạng ảnh, không gửi dạng tệp). Tệp này không được lưu."
DEED_PHOTOS_DONE = "Xong ➡️"
DEED_FORM_ASK = "Hình thức khen thưởng đề nghị:"
DEED_KIND_ASK = "Loại khen thưởng:"
DEED_SUBMIT = "📨 Gửi đề xuất"
DEED_EDIT_TEXT = "✏️ Sửa câu chuyện"
DEED_CANCEL = "✖️ Hủy"
DEED_CANCELLED = "Đã hủy đề xuất. Không có gì được lưu."
NOTHING_TO_CANCEL = "Không có thao tác nào đang dở."
DEED_DAILY_LIMIT = "Mỗi người gửi tối đa {limit} đề xuất một ngày. Bạn gửi tiếp vào ngày mai nhé."
DEED_SUBMITTED = "✅ Đã gửi đề xuất #{id}. Lãnh đạo {unit} sẽ xem xét; bạn sẽ được báo ở mỗi bước."
DEED_TEXT_EXPECTED = "Bạn đang ở bước {step}. Dùng các nút bấm, hoặc /huy để hủy."
DEED_STEP_NAMES = {
    "nominee": "chọn người được đề xuất",
    "search": "gõ tên người được đề xuất",
    "unit": "chọn đơn vị",
    "story": "viết câu chuyện",
    "restory": "sửa câu chuyện",
    "category": "chọn lĩnh vực",
    "photos": "gửi ảnh",
    "form": "chọn hình thức",
    "kind": "chọn loại",
    "preview": "xem lại",
    "": "đề xuất",
}

# review
DEED_FOR_HEAD = "📝 Đề xuất mới cần lãnh đạo {unit} xem xét (người đề xuất: {proposer}):"
DEED_FOR_OFFICE = "📝 Đề xuất đã được lãnh đạo {unit} đề nghị, chờ Văn phòng xét duyệt (người đề xuất: {proposer}):"
DEED_ENDORSE = "👍 Đề nghị khen thưởng"
DEED_RETURN = "↩️ Trả lại để sửa"
DEED_APPROVE = "🏅 Duyệt"
DEED_REJECT = "✖️ Không duyệt"
DEED_PUBLISH = "📣 Biểu dương"
DEED_RESUBMIT = "✏️ Sửa và gửi lại"
DEED_RETURN_ASK = "Nhận xét để người đề xuất sửa lại (#{id}):"
DEED_REJECT_ASK = "Lý do không duyệt (#{id}):"
DEED_APPROVE_FORM_ASK = "Hình thức khen thưởng được duyệt (#{id}):"
DEED_APPROVE_NUMBER_ASK = "Số quyết định (ví dụ 123/QĐ-SYT) cho #{id}:"
DEED_APPROVE_DATE_ASK = "Ngày quyết định (ngày/tháng/năm), hoặc bấm “Hôm nay”:"
DEED_TODAY = "Hôm nay"
DEED_BAD_DATE = "Không đọc được ngày “{text}”. Viết theo dạng 25/11/2026 nhé."
DEED_NOTE_EMPTY = "Bạn cần viết vài chữ."
DEED_NOTE_TOO_LONG = (
    "Lời nhắn dài {count} ký tự, tối đa {maximum}. Bạn viết gọn lại rồi gửi lại giúp."
)
DEED_NUMBER_TOO_LONG = (
    "Số quyết định tối đa {maximum} ký tự, ví dụ 123/QĐ-SYT. Bạn gửi lại số quyết định."
)
DEED_SEARCH_TOO_LONG = "Bạn chỉ cần gõ một phần họ tên (tối đa {maximum} ký tự)."
DEED_ENDORSED_PROPOSER = (
    "👍 Đề xuất #{id} đã được lãnh đạo {unit} đề nghị khen thưởng và chuyển Văn phòng."
)
DEED_RETURNED_PROPOSER = "↩️ Đề xuất #{id} được trả lại để sửa. Nhận xét của lãnh đạo: {note}"
DEED_APPROVED_PROPOSER = "🏅 Đề xuất #{id} đã được duyệt: {decision}."
DEED_APPROVED_NOMINEE = "🏅 Chúc mừng! Bạn được khen thưởng vì việc tốt (#{id}): {decision}."
DEED_REJECTED_PROPOSER = "✖️ Đề xuất #{id} không được duyệt. Lý do: {note}"
DEED_PUBLISHED_PROPOSER = "📣 Đề xuất #{id} đã được biểu dương."
DEED_DONE_REVIEWER = "Đã ghi nhận: #{id} {state}."
DEED_NOT_ALLOWED = "Bạn không thể thực hiện thao tác này với đề xuất #{id} (trạng thái: {state})."
DEED_UNKNOWN = "Không có đề xuất này."
DEED_EDIT_ASK = (
    "Gửi lại câu chuyện đã sửa cho #{id} ({minimum}–{maximum} ký tự). Nhận xét của lãnh đạo: {note}"
)
DEED_RESUBMIT_BUTTON = "📨 Gửi lại"
DEED_PUBLISH_WHERE = "Biểu dương #{id} ở đâu?"
DEED_PUBLISH_ALL = "👥 Gửi tất cả mọi người"
DEED_PUBLISH_CHANNEL = "📢 Kênh thông báo"
DEED_PUBLISHED = "📣 Đã biểu dương #{id}: {count} tin nhắn được xếp gửi."
DEED_ANNOUNCEMENT = "🌟 BIỂU DƯƠNG GƯƠNG NGƯỜI TỐT, VIỆC TỐT\n\n{nominee} — {unit}\n{category}\n\n{story}\n\n{decision}"
DEED_MINE_HEADER = "🌟 Các đề xuất của bạn:"
DEED_MINE_NONE = "Bạn chưa có đề xuất nào. Gõ /decu để đề xuất."
DEED_PENDING_NONE = "Không có đề xuất nào đang chờ bạn."
DEED_PENDING_HEADER = "📝 Đang chờ bạn xem xét ({count}):"
DEED_OPEN = "Xem #{id}"
CANCELLED = "Đã hủy thao tác đang làm."

# --- exports --------------------------------------------------------------------------------
EXPORT_TITLES = {
    "stories": "ĐỀ XUẤT BIỂU DƯƠNG NGƯỜI TỐT, VIỆC TỐT",
    "declarations": "NHẬT KÝ KHAI BÁO Y TẾ",
    "risk": "CẬP NHẬT MỨC NGUY CƠ",
    "summaries": "TỔNG HỢP KHAI BÁO THEO ĐƠN VỊ",
    "audit": "NHẬT KÝ XUẤT DỮ LIỆU",
}
EXPORT_PERIOD = "Từ ngày {first} đến ngày {last}"
EXPORT_UNIT = "Đơn vị: {unit}"
EXPORT_DONE = "Đã xuất {rows} dòng vào {path}."
EXPORT_YES = "x"
EXPORT_ON_TIME = "đúng hạn"
EXPORT_LATE = "muộn"
EXPORT_NOT_CONFIRMED = "chưa xác nhận"
EXPORT_ROUND_REASONS = {"daily": "hằng ngày", "alert": "có cảnh báo mới"}
AUDIT_ACTIONS = {
    "consent-withdrawn": "rút đồng ý",
    "mydata": "xem dữ liệu của mình",
    "erase-asked": "yêu cầu xóa dữ liệu",
    "erase": "xóa dữ liệu",
    "erase-declined": "từ chối xóa",
    "retention": "xóa theo thời hạn lưu",
    "privacy-report": "lập hồ sơ xử lý dữ liệu",
    "export": "xuất dữ liệu",
    "export-refused": "từ chối xuất",
    "purge": "xóa dữ liệu cũ",
    "backup": "sao lưu",
    "announce": "gửi thông báo",
    "invite-guesses": "đoán mã mời",
}
CLI_ACTOR = "dòng lệnh"
EXPORT_BAD_RANGE = "Ngày kết thúc phải sau ngày bắt đầu."

# --- the office in the chat ------------------------------------------------------------------
COMMAND_DESCRIPTIONS.update(
    {
        "xuat": "Xuất dữ liệu (Excel, CSV)",
        "baocao": "Báo cáo định kỳ (Word, Excel)",
        "canhbao": "Nhận cảnh báo: từng cái hay tổng hợp",
        "nhatky": "Nhật ký xuất dữ liệu",
        "thongbao": "Gửi thông báo",
    }
)
EXPORT_KIND_ASK = "📤 Xuất dữ liệu nào?"
EXPORT_KIND_NAMES = {
    "declarations": "Nhật ký khai báo",
    "risk": "Cập nhật mức nguy cơ",
    "summaries": "Tổng hợp theo đơn vị",
    "stories": "Đề xuất người tốt, việc tốt",
    "audit": "Nhật ký xuất dữ liệu",
    "mydata": "Dữ liệu của tôi",
    "report": "Báo cáo định kỳ",
}
EXPORT_PERIOD_ASK = "Khoảng thời gian?"
EXPORT_PERIODS = {
    "today": "Hôm nay",
    "week": "Tuần này",
    "month": "Tháng này",
    "custom": "Chọn khoảng ngày",
}
EXPORT_CUSTOM_ASK = "Gõ khoảng ngày, ví dụ: 01/11/2026 - 15/11/2026"
EXPORT_TEXT_EXPECTED = "Bạn đang chọn dữ liệu để xuất: dùng các lựa chọn ở trên, hoặc /huy để hủy."
EXPORT_CUSTOM_BAD = "Không đọc được khoảng ngày “{text}”. Ví dụ đúng: 01/11/2026 - 15/11/2026"
EXPORT_UNIT_ASK = "Đơn vị nào?"
EXPORT_ALL_UNITS = "Tất cả đơn vị"
EXPORT_FORMAT_ASK = "Định dạng tệp?"
EXPORT_QUEUED = "⏳ Đang chuẩn bị tệp {kind} ({first}–{last}, {unit})…"
EXPORT_READY = "📎 {kind}, {first}–{last}, {unit}: {rows} dòng."
EXPORT_FAILED = "Xin lỗi, không xuất được tệp. Văn phòng kỹ thuật đã được báo trong nhật ký."
EXPORT_OFFICE_ONLY = "Xuất dữ liệu chỉ dành cho Văn phòng. Yêu cầu của bạn đã được ghi vào nhật ký."
DOCUMENTS_NOT_ON_CHANNEL = (
    "Zalo không gửi được tệp. Bạn dùng Telegram hoặc dòng lệnh `python -m bot export` để lấy tệp."
)
AUDIT_HEADER = "🗒️ Nhật ký gần đây:"
AUDIT_LINE = "{at} · {actor} · {action}{what}"
AUDIT_NONE = "Nhật ký chưa có gì."
ANNOUNCE_AUDIENCE_ASK = "📢 Gửi thông báo cho ai?"
ANNOUNCE_EVERYONE = "Tất cả mọi người"
ANNOUNCE_TEXT_ASK = "Gõ nội dung thông báo (tối đa 3.000 ký tự)."
ANNOUNCE_TOO_LONG = "Thông báo dài {count} ký tự; tối đa 3.000."
ANNOUNCE_PREVIEW = "Xem trước — gửi {audience}:\n\n{text}"
ANNOUNCE_SEND = "📨 Gửi"
ANNOUNCE_HEADER = "📢 Thông báo của {org}:\n\n{text}"
ANNOUNCE_QUEUED = "📢 Đã xếp gửi thông báo #{id} tới {queued} người; {unreachable} người không liên lạc được (chặn bot hoặc chưa đăng ký)."
ANNOUNCE_STATUS_BUTTON = "📊 Kết quả gửi"
ANNOUNCE_STATUS = "📊 Thông báo #{id}: đã gửi {sent}, đang chờ {pending}, không gửi được {failed}."
PURGE_CONFIRM = "Xóa vĩnh viễn {count} khai báo trước ngày {day}? Gõ “xoa” để xác nhận: "
PURGE_DONE = "Đã xóa {count} khai báo trước ngày {day}."
PURGE_ABORTED = "Không xóa gì."
BACKUP_DONE = "Đã sao lưu cơ sở dữ liệu vào {path}."

# --- Zalo -----------------------------------------------------------------------------------
ONE_TAP_AT = "✅ Khỏe — {place}"
HEALTHY_LABEL = "✅ Khỏe, không triệu chứng, không tiếp xúc"
ZALO_ANSWER_HINT = "(Trả lời bằng số; chọn nhiều thì gõ ví dụ “1 3”, rồi “xong”.)"
START_UNKNOWN_ZALO = (
    "Xin chào! Đây là Sổ Khỏe, sổ khai báo y tế hằng ngày của {org}.\n\n"
    "Để bắt đầu, hãy gõ mã mời mà văn phòng đã gửi bạn (8 ký tự, ví dụ ABCD2345)."
)
ZALO_QUOTA_WARNING = "⚠️ Zalo: tháng này đã gửi {sent}/{quota} tin ({percent}). Cân nhắc nâng gói hoặc chuyển bớt người dùng sang Telegram."
COMMAND_DESCRIPTIONS.update({"kenh": "Chọn nhận tin qua Telegram hay Zalo"})
CHANNEL_ASK = "Bạn muốn nhận lời nhắc qua ứng dụng nào?"
CHANNEL_SET = "Từ nay Sổ Khỏe nhắn bạn qua {channel}."
CHANNEL_ONLY_ONE = (
    "Bạn mới liên kết {channel}. Muốn dùng thêm ứng dụng kia, hãy xin văn phòng mã mời."
)


# The column headers of each export (the office's spreadsheets).
EXPORT_HEADERS: dict[str, tuple[str, ...]] = {
    "stories": ("Số", "Trạng thái", "Người đề xuất", "Người/đơn vị được đề xuất", "Mã đơn vị", "Đơn vị",
     "Lĩnh vực", "Hình thức đề nghị", "Loại", "Hình thức được duyệt", "Số quyết định",
     "Ngày quyết định", "Ngày đề xuất", "Ngày đơn vị đề nghị", "Ngày duyệt", "Ngày biểu dương",
     "Câu chuyện"),
    "risk": ("Ngày", "Mã đơn vị", "Đơn vị", "Lần", "Lý do", "Mở lúc", "Xác nhận lúc", "Đúng hạn",
     "Người xác nhận", "Mã cán bộ", "Họ và tên", "Mức gợi ý", "Mức cập nhật"),
    "summaries": ("Ngày", "Buổi", "Mã đơn vị", "Đơn vị", "Phải khai", "Đã khai", "Tỷ lệ", "Nghỉ phép",
     "Khai muộn", "Cảnh báo"),
    "audit": ("Thời điểm", "Người thực hiện", "Việc", "Loại dữ liệu", "Từ ngày", "Đến ngày", "Đơn vị",
     "Số dòng", "Ghi chú"),
    "declarations": ("Ngày", "Buổi", "Mã cán bộ", "Họ và tên", "Mã đơn vị", "Đơn vị", "Thời điểm khai báo", "Khai muộn", "Bản được tính", "Cảnh báo", "Kênh"),
}  # fmt: skip

# The command line's refusals to start.
CLI_TOKEN_REFUSED = "Telegram từ chối BOT_TOKEN: kiểm tra lại mã với @BotFather."
CLI_API_UNREACHABLE = "Không kết nối được Bot API của Telegram ({error}). Kiểm tra mạng hoặc TELEGRAM_API_BASE_URL rồi chạy lại."
CLI_ZALO_REFUSED = (
    "Zalo Bot API không cho khởi động: {error}. Kiểm tra ZALO_BOT_TOKEN, ZALO_API_BASE_URL và mạng."
)
CLI_UNEXPECTED = "sokhoe: lỗi không lường trước ({error}); không có gì được ghi dở. Chạy lại với LOG_LEVEL=DEBUG để xem chi tiết."
EXPORT_NOT_AUDITED = "Không ghi được nhật ký của lần xuất này ({error}), nên tệp không được giữ lại. Chạy lại sau ít phút."
CLI_INTERRUPTED = "sokhoe: đã dừng theo yêu cầu."
CLI_OS_ERROR = "Không làm được với tệp{where}: {error}."
CLI_BAD_DATE = "ngày “{text}” không đọc được: viết 2026-11-01 hoặc 01/11/2026"
CLI_BAD_DAYS = "số ngày “{text}” không hợp lệ: từ 1 đến 365"
CLI_FORMAT_MISMATCH = (
    "--format {format} không khớp với đuôi của {path}: đổi một trong hai cho giống nhau."
)
CLI_OUT_SUFFIX = "Tệp {path} cần đuôi .xlsx hoặc .csv."
CLI_OUT_IS_FOLDER = "{path} là một thư mục; hãy ghi tên tệp, ví dụ {path}/xuat.xlsx."
CLI_NO_FOLDER = "Thư mục {folder} không có. Tạo thư mục trước, hoặc chọn thư mục khác."
CLI_FOLDER_READ_ONLY = "Không ghi được vào thư mục {folder} (không có quyền ghi)."
CLI_FILE_READ_ONLY = "Không ghi đè được {path} (tệp chỉ đọc)."
RUN_ALREADY = "Sổ Khỏe đang chạy trên cơ sở dữ liệu {path} (tiến trình {pid}). Mỗi cơ sở dữ liệu chỉ một bot chạy; dừng tiến trình kia trước."
BACKUP_ONTO_ITSELF = "Không sao lưu vào chính tệp đang dùng ({path}): chọn một tệp khác."
BACKUP_NOT_A_DATABASE = (
    "{path} đã có và không phải một bản sao lưu cơ sở dữ liệu: chọn tên tệp khác (không ghi đè)."
)
BACKUP_FAILED = "Không sao lưu được vào {path}: {error}. Không có tệp nào được ghi."
PURGE_TOO_RECENT = "Chỉ xóa được dữ liệu trước ngày {latest} trở về trước: khai báo của hôm qua và hôm nay luôn được giữ."
PURGE_WILL_ERASE = "Sẽ xóa vĩnh viễn: {count} khai báo trước ngày {day}."
ROSTER_MORE_ERRORS = "… và {count} dòng lỗi khác."
ROSTER_TEMPLATE_WRITTEN = (
    "Đã ghi mẫu danh sách vào {path}: điền xong thì chạy: python -m bot import-roster {path}"
)
ROSTER_TEMPLATE_SHEET = "Danh sách"
ROSTER_TEMPLATE_HELP_SHEET = "Hướng dẫn"
ROSTER_TEMPLATE_EXAMPLES = (
    ("CB001", "Nguyễn Văn An", "KHTC", "Phòng Kế hoạch - Tài chính", "staff", "0912345678"),
    ("CB002", "Trần Thị Bình", "KHTC", "Phòng Kế hoạch - Tài chính", "head", "0912345679"),
    ("CB003", "Lê Văn Cường", "VP", "Văn phòng Sở", "office", "0912345680"),
    ("CB004", "Phạm Thị Dung", "VP", "Văn phòng Sở", "head;admin", "+84912345681"),
    ("CB005", "Hoàng Văn Em", "VP", "Văn phòng Sở", "staff;head:KHTC", ""),
)
ROSTER_TEMPLATE_HELP = (
    "Cách điền danh sách cán bộ (mỗi người một dòng, giữ nguyên dòng tiêu đề):",
    "staff_code: mã cán bộ, duy nhất; chữ không dấu, số, - và _, tối đa 16 ký tự.",
    "full_name: họ và tên đầy đủ.",
    "unit_code: mã đơn vị (chữ không dấu, số, - và _, tối đa 16 ký tự); unit_name: tên đơn vị, giống nhau ở mọi dòng cùng mã.",
    "roles: staff (mặc định), head (lãnh đạo đơn vị mình), head:MÃ (lãnh đạo đơn vị khác), office (văn phòng), admin; nhiều vai trò cách nhau bằng dấu ;",
    "phone: số di động (0912345678 hoặc +84912345678), để trống nếu không có; dùng để đăng ký bằng cách chia sẻ số điện thoại trên Telegram.",
    "Lưu dạng .xlsx hoặc CSV UTF-8. Người không còn trong danh sách sẽ bị ngừng (không xóa).",
)
AUDIT_ROWS = " ({rows} dòng)"

# --- the database, as the command line and `run` see it -----------------------------------------
STORE_MISSING = "Không có cơ sở dữ liệu ở {path}. Kiểm tra DATABASE_PATH (đường dẫn tương đối được tính từ thư mục đang đứng) rồi chạy lại."
STORE_IS_FOLDER = "{path} là một thư mục, không phải tệp cơ sở dữ liệu. Kiểm tra DATABASE_PATH."
STORE_UNREADABLE = (
    "Không mở được cơ sở dữ liệu {path}: {error}. Kiểm tra đường dẫn và quyền truy cập."
)
STORE_READ_ONLY = "Cơ sở dữ liệu {path} chỉ đọc được, không ghi được. Kiểm tra quyền ghi của tệp và thư mục chứa nó."
STORE_CORRUPT = "Tệp {path} bị hỏng hoặc không phải cơ sở dữ liệu của Sổ Khỏe ({error}). Hãy khôi phục từ bản sao lưu gần nhất (tạo bằng: python -m bot backup)."
STORE_TOO_NEW = "Cơ sở dữ liệu {path} thuộc phiên bản Sổ Khỏe mới hơn (lược đồ {version}, bản này biết đến {latest}). Hãy cập nhật Sổ Khỏe."

# --- settings (.env) ---------------------------------------------------------------------------
ENV_NOT_UTF8 = "Tệp {path} không ở dạng UTF-8: lưu lại bằng UTF-8 rồi chạy lại."
ENV_UNREADABLE = "Không đọc được tệp {path}: {error}."
ENV_BAD_LINE = (
    "{path} dòng {line}: không hiểu “{text}” (cần dạng TÊN=giá trị; chú thích bắt đầu bằng #)."
)

# --- my data, consent withdrawn, erasure (Law 91/2025/QH15, Decree 356/2025/NĐ-CP) -------------
MYDATA_HEADER = "📂 DỮ LIỆU CỦA BẠN TRONG SỔ KHỎE"
MYDATA_PROFILE = "Họ tên: {name} ({code})\nĐơn vị: {unit}\nVai trò: {roles}\nSố điện thoại: {phone}"
MYDATA_ACCOUNTS = "Tài khoản liên kết: {accounts}"
MYDATA_CONSENT = "Đồng ý (phiên bản {version}) lúc {at}{withdrawn}"
MYDATA_WITHDRAWN = ", rút lại lúc {at}"
MYDATA_DECLARATIONS = "Khai báo y tế ({count}, kể cả các lần sửa):"
MYDATA_LATE = " — muộn"
MYDATA_LEAVES = "Nghỉ phép: {ranges}"
MYDATA_LEVEL = "Mức nguy cơ ngày {day}: {level}"
MYDATA_STORIES = "Đề xuất người tốt việc tốt có bạn: {ids}"
MYDATA_EXPORTS = "Số lần văn phòng xuất dữ liệu kể từ khai báo đầu tiên của bạn: {count}"
MYDATA_FILE = "📎 Toàn bộ dữ liệu của bạn (Excel)."
MYDATA_ON_ZALO = (
    "Tệp Excel chỉ gửi được trên Telegram: gõ /dulieu trên Telegram, hoặc nhờ văn phòng."
)
MYDATA_HEADERS = {
    "name": "Họ và tên",
    "code": "Mã cán bộ",
    "unit": "Đơn vị",
    "roles": "Vai trò",
    "phone": "Số điện thoại",
    "account": "Tài khoản",
}
MYDATA_COLUMNS: dict[str, tuple[str, ...]] = {
    "profile": ("Mục", "Giá trị"),
    "declarations": ("Ngày", "Buổi", "Thời điểm", "Khai muộn"),
    "leaves": ("Từ ngày", "Đến ngày"),
    "levels": ("Ngày", "Lần", "Mức gợi ý", "Mức cập nhật"),
    "consents": ("Phiên bản", "Đồng ý lúc", "Rút lại lúc"),
    "stories": ("Số", "Trạng thái", "Người được đề xuất", "Câu chuyện"),
}
MYDATA_SHEETS = {
    "profile": "Hồ sơ",
    "declarations": "Khai báo",
    "leaves": "Nghỉ phép",
    "levels": "Mức nguy cơ",
    "consents": "Đồng ý",
    "stories": "Đề xuất",
}
WITHDRAW_ASK = (
    "Bạn muốn rút lại sự đồng ý xử lý dữ liệu sức khỏe?\n"
    "Từ lúc này Sổ Khỏe sẽ không nhắc và không lưu khai báo y tế của bạn nữa; lãnh đạo đơn vị "
    "thấy bạn ở mục “đã rút đồng ý”. Dữ liệu đã lưu vẫn giữ theo thời hạn lưu trữ (gõ /xoadulieu "
    "để yêu cầu xóa). Bạn có thể đồng ý lại bất cứ lúc nào bằng /batdau."
)
WITHDRAW_BUTTON = "Rút lại sự đồng ý"
KEEP_BUTTON = "Giữ nguyên"
WITHDRAWN = "Đã rút lại sự đồng ý. Sổ Khỏe không nhắc và không lưu khai báo y tế của bạn nữa. Gõ /batdau để đồng ý lại."
WITHDRAW_NOTHING = "Bạn chưa đồng ý nên không có gì để rút lại."
KEPT = "Đã giữ nguyên, không có gì thay đổi."
ERASE_ASK = (
    "Bạn yêu cầu xóa dữ liệu sức khỏe của mình?\n"
    "Văn phòng sẽ xem xét. Khi được xác nhận: mọi khai báo, mức nguy cơ, nghỉ phép, tin nhắn về "
    "bạn và tài khoản liên kết bị xóa hẳn; chỉ còn dòng trong danh sách cán bộ (nếu bạn còn công "
    "tác) và một dòng nhật ký ghi việc xóa, không kèm dữ liệu. Đề xuất đã biểu dương công khai "
    "được giữ vì là văn bản công khai."
)
ERASE_BUTTON = "Gửi yêu cầu xóa"
ERASE_SENT = (
    "Đã gửi yêu cầu xóa dữ liệu (số {id}) tới văn phòng. Bạn sẽ nhận được thông báo khi có kết quả."
)
ERASE_FOR_OFFICE = "🗑 Yêu cầu xóa dữ liệu số {id}: {name} ({code}, {unit}).\nSẽ xóa: {what}."
ERASE_WHAT = "{declarations} khai báo, {levels} mức nguy cơ, {leaves} lần nghỉ phép, tài khoản liên kết và tin nhắn về người này"
ERASE_CONFIRM_BUTTON = "Xác nhận xóa"
ERASE_DECLINE_BUTTON = "Từ chối"
ERASE_DECLINE_ASK = "Lý do từ chối yêu cầu xóa số {id}? (người yêu cầu sẽ nhận được lý do)"
ERASE_DONE_OFFICE = "Đã xóa dữ liệu theo yêu cầu số {id} ({what})."
ERASE_DONE_PERSON = "Dữ liệu sức khỏe của bạn đã được xóa theo yêu cầu số {id}. Tài khoản đã được hủy liên kết; muốn dùng lại Sổ Khỏe, hãy xin mã mời mới."
ERASE_DECLINED_PERSON = "Văn phòng chưa chấp nhận yêu cầu xóa số {id}: {reason}"
ERASE_DECLINED_OFFICE = "Đã từ chối yêu cầu xóa số {id}; người yêu cầu đã được báo lý do."
ERASE_ALREADY = "Yêu cầu xóa số {id} đã được xử lý trước đó."
ERASE_REASON_EMPTY = "Bạn cần viết lý do từ chối."
ERASE_REASON_TOO_LONG = "Lý do tối đa {maximum} ký tự."
CONSENT_ASK_AGAIN = "Thông báo về xử lý dữ liệu sức khỏe đã được cập nhật. Bạn đọc và chọn đồng ý để tiếp tục nhận lời nhắc khai báo."

# --- the record of processing (python -m bot privacy-report) -------------------------------------
PRIVACY_REPORT_TITLE = "Hồ sơ xử lý dữ liệu cá nhân — Sổ Khỏe — {org} (lập ngày {day})"
PRIVACY_REPORT_SUFFIX = "Hồ sơ được ghi ra tệp Word: {path} cần đuôi .docx."
PRIVACY_REPORT_WRITTEN = "Đã ghi hồ sơ xử lý dữ liệu cá nhân vào {path}."
PRIVACY_ERASURE_SQLITE = (
    "Khi xóa, dữ liệu bị ghi đè (secure_delete) và nhật ký ghi trước (WAL) được dọn ngay."
)
PRIVACY_ERASURE_POSTGRES = "Khi xóa, các bảng của tổ chức được ghi lại toàn bộ (VACUUM FULL) nên dữ liệu đã xóa rời khỏi tệp dữ liệu; nhật ký ghi trước (WAL) và các bản sao lưu của PostgreSQL còn giữ đến khi được xoay vòng: thời hạn giữ chúng do bộ phận vận hành đặt."
PRIVACY_DATABASE_POSTGRES = "PostgreSQL {host}/{name}, schema {schema}"
PRIVACY_ON = "đang dùng"
PRIVACY_OFF = "không dùng"
PRIVACY_REPORT_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "1. Dữ liệu được xử lý",
        (
            "Dữ liệu cá nhân cơ bản: họ và tên, mã cán bộ, đơn vị, vai trò, số điện thoại di động (nếu danh sách có), mã tài khoản Telegram/Zalo đã liên kết.",
            "Dữ liệu cá nhân nhạy cảm (sức khỏe, Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15): các lần khai báo y tế (triệu chứng, tiếp xúc hoặc vùng dịch, nơi làm việc, thời điểm), mức nguy cơ được gợi ý và cập nhật, ngày nghỉ phép.",
            "Dữ liệu khác: đề xuất người tốt, việc tốt (người đề xuất, người được đề xuất, nội dung); lịch sử đồng ý; nhật ký xuất dữ liệu, sao lưu, xóa.",
        ),
    ),
    (
        "2. Mục đích",
        (
            "Thực hiện khai báo y tế hằng ngày của cán bộ theo kế hoạch của cơ quan; cảnh báo kịp thời lãnh đạo đơn vị và văn phòng khi có triệu chứng hoặc yếu tố dịch tễ; đánh giá và cập nhật mức nguy cơ trước 15:00 hằng ngày; theo dõi, tổng hợp, báo cáo; phát hiện và khen thưởng người tốt, việc tốt.",
            "Dữ liệu sức khỏe chỉ được xử lý khi cán bộ đã đồng ý rõ ràng (nút “Tôi đồng ý”, phiên bản thông báo hiện hành: {version}); rút lại đồng ý thì ngừng nhắc và ngừng lưu.",
        ),
    ),
    (
        "3. Ai được xem gì",
        (
            "Cán bộ: chỉ dữ liệu của mình (/lichsu, /dulieu).",
            "Lãnh đạo đơn vị: tình hình khai báo, người chưa khai báo, cảnh báo và mức nguy cơ của đơn vị mình.",
            "Văn phòng: tổng hợp toàn cơ quan, cảnh báo, xuất dữ liệu (mỗi lần xuất được ghi nhật ký), quyết định yêu cầu xóa.",
            "Quản trị: nhập danh sách cán bộ, cấp mã mời, cấu hình; không xem nội dung khai báo qua trò chuyện.",
        ),
    ),
    (
        "4. Nơi lưu và nơi gửi",
        (
            "Cơ sở dữ liệu: {database} (trên máy chủ của cơ quan).",
            "Telegram ({telegram}): tin nhắn đi qua máy chủ của Telegram ở nước ngoài — là chuyển dữ liệu cá nhân ra nước ngoài, cơ quan cần đánh giá tác động theo Nghị định 356/2025/NĐ-CP.",
            "Zalo ({zalo}): tin nhắn đi qua máy chủ của Zalo (Công ty VNG, Việt Nam).",
        ),
    ),
    (
        "5. Thời hạn lưu trữ",
        (
            "Dữ liệu sức khỏe cũ hơn {health_days} ngày được xóa tự động mỗi đêm (HEALTH_DATA_DAYS).",
            "Người đã rời danh sách quá {leaver_days} ngày được xóa tự động mỗi đêm (LEAVER_DAYS).",
            "Nội dung tin nhắn đã gửi được xóa sau {outbox_days} ngày, chỉ giữ bản ghi gửi/nhận (OUTBOX_DAYS).",
            "{erasure}",
        ),
    ),
    (
        "6. Quyền của chủ thể dữ liệu",
        (
            "Xem và tải dữ liệu của mình: /dulieu. Rút lại sự đồng ý: /rutdongy. Yêu cầu xóa: /xoadulieu (văn phòng xác nhận hoặc từ chối có lý do). Mọi việc này được ghi nhật ký, không kèm dữ liệu sức khỏe.",
        ),
    ),
    (
        "7. Số liệu tại ngày lập",
        (
            "Cán bộ đang có trong danh sách: {active}; đã rời: {inactive}; tài khoản liên kết: {accounts}.",
            "Đang đồng ý: {consenting}; đã rút đồng ý: {withdrawn}.",
            "Số lần khai báo đang lưu: {declarations}. Số lần xóa dữ liệu đã thực hiện: {erasures}; yêu cầu xóa đang chờ: {waiting}.",
        ),
    ),
)

# --- Zalo's way of saying things: no buttons, no phone sharing -----------------------------------
NOT_ENROLLED_ZALO = "Bạn chưa đăng ký dùng Sổ Khỏe. Hãy gõ mã mời do văn phòng cấp."
UNSUPPORTED_ZALO = "Sổ Khỏe chỉ đọc tin nhắn chữ (và số để chọn). Gõ /help để xem các lệnh."
ZALO_VARIANTS = {
    NOT_ENROLLED: NOT_ENROLLED_ZALO,
    UNSUPPORTED: UNSUPPORTED_ZALO,
    FORGED_BUTTON: "Lựa chọn không hợp lệ.",
}
ZALO_WORDS = (
    ("Dùng các nút bấm", "Trả lời bằng số trong danh sách"),
    ("dùng các nút bấm", "trả lời bằng số trong danh sách"),
    ("bấm nút", "chọn"),
    ("nút “", "mục “"),
    ("Bấm", "Chọn"),
    ("bấm", "chọn"),
)
ZALO_HIDDEN = (
    "Zalo không cho bot đọc tin nhắn của tài khoản này (tài khoản được Zalo bảo vệ đặc biệt), "
    "nên Sổ Khỏe không nhận được khai báo của bạn qua Zalo. Bạn hãy khai báo qua Telegram, "
    "hoặc nhờ lãnh đạo đơn vị ghi nhận giúp (ví dụ báo nghỉ bằng /nghi)."
)
SUMMARY_HIDDEN = "🙈 Không dùng được Zalo ({count}, Zalo ẩn tin nhắn với bot)"
ZALO_AUTH_WARNING = "⚠️ Zalo từ chối ZALO_BOT_TOKEN (401): tin nhắn Zalo đang tạm dừng, không mất tin nào. Kiểm tra mã trong Zalo Bot Creator; Sổ Khỏe tự gửi lại khi mã dùng được."
ZALO_QUOTA_EXCEEDED = "⚠️ Zalo báo hết hạn mức tin nhắn (429): đã gửi {sent} tin trong tháng (hạn mức {quota}). Tin Zalo tạm dừng và gửi chậm lại; Telegram vẫn chạy bình thường."
ZALO_START_FAILED = (
    "Zalo chưa khởi động được ({error}); Sổ Khỏe thử lại sau {seconds} giây, Telegram vẫn chạy."
)

# copy-to-postgres
PG_BAD_ORG = "“{org}” không dùng được làm mã tổ chức (chữ, số, dấu _; tối đa 16 ký tự)."
PG_BAD_URL = "Cần địa chỉ PostgreSQL (DATABASE_URL hoặc --url, dạng postgresql://…)."
PG_UNREACHABLE = "Không kết nối được PostgreSQL ({error}): kiểm tra máy chủ, cổng và quyền."
WORKER_STARTED = "Sổ Khỏe đang chạy (worker {worker}): nhận các tổ chức chưa ai chạy. Dừng: Ctrl+C."
WORKER_ORG_FAILED = "Tổ chức {org}: bot không chạy được ({error}); thử lại sau một phút."
ORG_SETTINGS_SAVED = "Đã lưu {count} thiết lập của tổ chức {org}."
ORG_SETTINGS_NOT_HERE = (
    "{name} là thiết lập của cả hệ thống, không của một tổ chức: bỏ dòng này khỏi tệp."
)
ORG_TOKEN_TAKEN = "{name} này đã là của tổ chức {other}: mỗi tổ chức một bot riêng (giới hạn gửi tin tính theo bot). Không lưu gì."
ORG_LISTED = "{org}: {name} — {state}"
ORG_RUN_BY = "đang chạy ở {worker}"
ORG_NOT_RUN = "chưa worker nào chạy"
ORG_NONE = "Chưa có tổ chức nào trong PostgreSQL."
PG_ONLY = "Lệnh này dùng với PostgreSQL: đặt DATABASE_URL=postgresql://… (xem .env.example)."
PG_NO_DUMP = (
    "Không tìm thấy pg_dump và pg_restore (gói postgresql-client): cần chúng để sao lưu PostgreSQL."
)
PG_NO_ORG = "Với DATABASE_URL là PostgreSQL, cần ORG: mã tổ chức (chữ, số, dấu _; tối đa 16 ký tự)."
PG_ORG_MISSING = "Chưa có tổ chức {org} trong PostgreSQL. Kiểm tra ORG (hoặc --org), hoặc chép dữ liệu vào bằng: python -m bot copy-to-postgres --org {org}"
PG_TOO_NEW = "Tổ chức {org} trong PostgreSQL thuộc phiên bản Sổ Khỏe mới hơn (lược đồ {version}, bản này biết đến {latest}). Hãy cập nhật Sổ Khỏe."
PG_ORG_EXISTS = "Tổ chức {org} đã có trong PostgreSQL: không chép đè. Không thay đổi gì."
PG_SCHEMA_DIFFERS = (
    "Bảng {table} khác nhau giữa SQLite và PostgreSQL: không chép. Không thay đổi gì."
)
PG_COUNT_DIFFERS = (
    "Bảng {table}: SQLite có {lite} dòng, PostgreSQL nhận {pg}: đã hủy. Không thay đổi gì."
)
PG_COPIED = "Đã chép sang PostgreSQL, tổ chức {org} (schema {schema}): {rows} dòng, {tables} bảng."
PG_COPIED_TABLE = "  {table}: {rows}"
