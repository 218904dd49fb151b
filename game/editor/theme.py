"""The editor's additions to the game's pygame_gui theme: denser panels.

Merged into the shared manager's theme under object ids only the editor
uses, so the menu and play scenes look exactly as before.
"""

from __future__ import annotations

SMALL = {"name": "noto_sans", "size": "13"}
SMALL_BOLD = {"name": "noto_sans", "size": "13", "bold": "1"}

EDITOR_THEME: dict = {
    "#editor_tool": {
        "font": SMALL_BOLD,
        "misc": {"shape": "rounded_rectangle", "shape_corner_radius": "4", "border_width": "1",
                 "text_horiz_alignment": "left", "text_horiz_alignment_padding": "8"},
    },
    "#editor_bar_button": {"font": SMALL_BOLD},
    "#panel_caption": {
        "font": {"name": "noto_sans", "size": "12", "bold": "1"},
        "colours": {"normal_text": "#8c98aa"},
        "misc": {"text_horiz_alignment": "left"},
    },
    "#form_label": {"font": SMALL, "colours": {"normal_text": "#aab4c3"}, "misc": {"text_horiz_alignment": "left"}},
    "#form_entry": {"font": SMALL, "misc": {"padding": "6,2"}},
    "#form_choice": {"font": SMALL},
    "#editor_title": {"font": SMALL_BOLD, "colours": {"normal_text": "#ffd078"}, "misc": {"text_horiz_alignment": "left"}},
    "#status_text": {"font": SMALL, "colours": {"normal_text": "#aab4c3"}, "misc": {"text_horiz_alignment": "left"}},
    "#status_message": {"font": SMALL, "colours": {"normal_text": "#ffd078"}, "misc": {"text_horiz_alignment": "right"}},
    "#tool_hint": {"font": SMALL, "misc": {"padding": "8,6", "border_width": "1"}},
    "#editor_list": {"misc": {"list_item_height": "24"}},
    "#editor_list.@selection_list_item": {
        "font": SMALL,
        "colours": {"normal_bg": "#0f131c00", "hovered_bg": "#1c2536", "selected_bg": "#3a2a20",
                    "normal_text": "#c8d2df", "selected_text": "#ffb27a"},
        "misc": {"shape": "rectangle", "border_width": "0", "text_horiz_alignment": "left",
                 "text_horiz_alignment_padding": "8"},
    },
    "#problem_list": {"misc": {"list_item_height": "22"}},
    "#problem_list.@selection_list_item": {
        "font": SMALL,
        "colours": {"normal_bg": "#0f131c00", "hovered_bg": "#2a1c1c", "selected_bg": "#4a2020",
                    "normal_text": "#ff9a8a", "selected_text": "#ffffff"},
        "misc": {"shape": "rectangle", "border_width": "0", "text_horiz_alignment": "left",
                 "text_horiz_alignment_padding": "8"},
    },
    "#editor_toolbar": {"colours": {"dark_bg": "#10141d"}, "misc": {"border_width": "0"}},
    "#editor_tools": {"colours": {"dark_bg": "#121720"}},
    "#editor_validation": {"colours": {"dark_bg": "#121720"}},
    "#editor_status": {"colours": {"dark_bg": "#0b0e14"}, "misc": {"border_width": "0"}},
}

_loaded: set[int] = set()


def apply(manager) -> None:
    """Merge the editor's theme entries into `manager`'s theme (once per manager)."""
    if id(manager) in _loaded:
        return
    manager.get_theme().load_theme(EDITOR_THEME)
    _loaded.add(id(manager))
