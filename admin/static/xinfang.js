/* xinfang: reorder rows of the nested lists, fit a form to the chosen unit without reloading, and the
   behaviour Flask-Admin writes as inline handlers (the Content-Security-Policy allows no inline
   script): confirmations, batch actions, adding an inline row, drop-downs that submit. */
(function ($) {
  'use strict';

  var MOVE_UP = '上移', MOVE_DOWN = '下移';

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }

  // Give the rows of one inline list the indices of their positions, so that the server reads
  // them in the order shown (WTForms orders a list by the index in the field names).
  function renumber($list) {
    var listId = $list.parent('.inline-field').attr('id');
    if (!listId) { return; }
    var pattern = new RegExp('^(del-)?' + escapeRegExp(listId) + '-\\d+(?=-|$)');
    $list.children('.inline-field').each(function (position) {
      var replacement = listId + '-' + position;
      $(this).find('*').addBack().each(function () {
        var element = this;
        ['id', 'name', 'for'].forEach(function (attribute) {
          var value = element.getAttribute(attribute);
          if (value && pattern.test(value)) {
            element.setAttribute(attribute, value.replace(pattern, function (all, del) {
              return (del || '') + replacement;
            }));
          }
        });
      });
      $(this).find('> legend small').contents().filter(function () {
        return this.nodeType === 3 && /#\d+/.test(this.nodeValue);
      }).each(function () {
        this.nodeValue = this.nodeValue.replace(/#\d+/, '#' + (position + 1));
      });
    });
  }

  function addMoveButtons(scope) {
    $(scope).find('.inline-field-list > .inline-field').addBack('.inline-field-list > .inline-field')
      .each(function () {
        var $legend = $(this).children('legend').find('small').first();
        if (!$legend.length || $legend.find('.xf-move').length) { return; }
        $legend.append(
          ' <span class="xf-move">' +
          '<a href="javascript:void(0)" class="xf-move-up" title="' + MOVE_UP + '">&#9650;</a> ' +
          '<a href="javascript:void(0)" class="xf-move-down" title="' + MOVE_DOWN + '">&#9660;</a>' +
          '</span>');
      });
  }

  $(document).on('click', '.xf-move-up, .xf-move-down', function () {
    var $row = $(this).closest('.inline-field');
    var $list = $row.parent('.inline-field-list');
    if ($(this).hasClass('xf-move-up')) {
      $row.prev('.inline-field').before($row);
    } else {
      $row.next('.inline-field').after($row);
    }
    renumber($list);
  });

  // A field definition shows only the settings its type uses.
  var SETTINGS = {
    text: ['default', 'min_length', 'max_length', 'pattern'],
    textarea: ['default', 'min_length', 'max_length', 'pattern'],
    number: ['default', 'minimum', 'maximum'],
    date: ['default'],
    boolean: ['default'],
    choice: ['default', 'choices'],
    multichoice: ['choices'],
    person: [],
    table: ['columns']
  };
  var OPTIONAL = ['default', 'min_length', 'max_length', 'pattern', 'minimum', 'maximum',
                  'choices', 'columns'];

  function showSettingsFor(select) {
    var match = /^(.*-)type$/.exec(select.name || '');
    if (!match || !SETTINGS.hasOwnProperty(select.value)) { return; }
    var $row = $(select).closest('.inline-field');
    OPTIONAL.forEach(function (setting) {
      // a nested list (表格的列) is a div of the setting's bare name, holding no input at first
      var $input = $row.find('[name="' + match[1] + setting + '"], [id="' + match[1] + setting +
        '"], div.inline-field[id="' + setting + '"]');
      var $group = $input.first().closest('.form-group');
      $group.toggle(SETTINGS[select.value].indexOf(setting) >= 0);
    });
  }

  $(document).on('change', 'select[name$="-type"]', function () { showSettingsFor(this); });

  // What the templates ask for with data attributes instead of inline script.
  $(document).on('click', '[data-xf-confirm]', function (event) {
    if (!window.confirm(this.getAttribute('data-xf-confirm'))) { event.preventDefault(); }
  });
  $(document).on('click', '[data-xf-action]', function (event) {
    event.preventDefault();
    window.modelActions.execute(this.getAttribute('data-xf-action'));
  });
  $(document).on('click', '[data-xf-add-inline]', function (event) {
    event.preventDefault();
    window.faForm.addInlineField(this, this.getAttribute('data-xf-add-inline'));
  });
  $(document).on('change', 'select[data-xf-autosubmit]', function () { this.form.submit(); });
  // Links that only open a menu have a javascript: address, which the policy refuses to run:
  // keep them from navigating, before any other handler (the capture phase) and for all of them.
  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a[href^="javascript:"]');
    if (link) { event.preventDefault(); }
  }, true);

  // A reception rule or a reporting duty shows only the fields its kind uses (the others keep
  // their values, which the kind leaves unused): 每周 asks for weekdays, 指定日期 for dates …
  var KIND_FIELDS = {
    kind: {
      all: ['weekday', 'weekdays', 'nth', 'nths', 'week_reading', 'day_of_month',
            'days_of_month', 'lunar_days', 'dates', 'table_days', 'days_per_month',
            'quota_period', 'days_per_year', 'days_per_week', 'holiday_rule'],
      weekly: ['weekday', 'weekdays', 'holiday_rule'],
      monthly_nth_weekday: ['weekday', 'weekdays', 'nth', 'nths', 'week_reading', 'holiday_rule'],
      monthly_day: ['day_of_month', 'days_of_month', 'holiday_rule'],
      days_per_leader: ['days_per_month', 'quota_period', 'days_per_year', 'holiday_rule'],
      phase: ['days_per_week'],
      any_time: [],
      working_days: [],
      lunar_days: ['lunar_days', 'holiday_rule'],
      dates: ['dates', 'table_days', 'holiday_rule']
    },
    cadence: {
      all: ['deadline_time', 'deadline_weekday', 'deadline_day', 'within_hours', 'zero_report'],
      daily: ['deadline_time', 'zero_report'],
      weekly: ['deadline_weekday', 'deadline_time', 'zero_report'],
      monthly: ['deadline_day', 'zero_report'],
      once: [],
      event: ['within_hours']
    }
  };
  function showKindFields(select) {
    var match = /^(.*-)(kind|cadence)$/.exec(select.name || '');
    if (!match || !$(select).closest('.inline-field').length) { return; }
    var fields = KIND_FIELDS[match[2]], shown = (fields[select.value] || []).slice();
    var $form = $(select).closest('form');
    // 每人若干天: by month or by year, the other count hidden
    if (select.value === 'days_per_leader') {
      var byYear = $form.find('[name="' + match[1] + 'quota_period"]').val() === 'year';
      shown.splice(shown.indexOf(byYear ? 'days_per_month' : 'days_per_year'), 1);
    }
    fields.all.forEach(function (name) {
      var $field = $form.find('[name="' + match[1] + name + '"], #' + match[1] + name).first();
      $field.closest('.form-group').toggle(shown.indexOf(name) >= 0);
    });
  }
  $(document).on('change', 'select[name$="-kind"], select[name$="-cadence"]', function () {
    showKindFields(this);
  });
  $(document).on('change', 'select[name$="-quota_period"]', function () {
    var kind = this.name.replace(/quota_period$/, 'kind');
    $(this).closest('form').find('select[name="' + kind + '"]').each(function () {
      showKindFields(this);
    });
  });

  $(function () {
    $('select[name$="-type"]').each(function () { showSettingsFor(this); });
    $('select[name$="-kind"], select[name$="-cadence"]').each(function () { showKindFields(this); });
    addMoveButtons(document);
    // rows added with Flask-Admin's "add" button get their buttons too
    var observer = new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        $(change.addedNodes).filter('.inline-field').each(function () {
          addMoveButtons(this);
          $(this).find('select[name$="-type"]').each(function () { showSettingsFor(this); });
          $(this).find('select[name$="-kind"], select[name$="-cadence"]').each(function () {
            showKindFields(this);
          });
          if (peopleLoaded) {
            $(this).find('select[name$="-person"]').each(function () { restrict(this, people); });
            $(this).find('textarea[name$="-leaders"]').each(function () { offerLeaders(this); });
          }
        });
      });
    });
    $('.inline-field-list').each(function () {
      observer.observe(this, {childList: true});
    });

    // On a create form, the chosen unit decides which of its own fields the form has and which
    // people and plans its drop-downs offer: both are fetched, nothing is reloaded, nothing
    // typed is lost.
    var $unit = $('form.admin-form select#unit');
    if ($unit.length) {
      $unit.on('change', function () { unitChanged(this.value); });
      if ($unit.val()) { filterByUnit($unit.val()); }
    }
    // 领导小组: choosing a person fills 姓名 and 职务 (as the drop-down shows them)
    $(document).on('change', 'select[name$="-person"]', function () {
      var match = /^(.*-)person$/.exec(this.name);
      if (!match) { return; }
      var person = people[this.value];
      if (!person) { return; }
      var $form = $(this).closest('form');
      [['name', person.name], ['title', person.title]].forEach(function (pair) {
        var $input = $form.find('[name="' + match[1] + pair[0] + '"]');
        if ($input.length && (!$input.val() || $input.data('xf-filled') === $input.val())) {
          $input.val(pair[1]).data('xf-filled', pair[1]);
        }
      });
    });
  });

  var people = {}, peopleLoaded = false;  // id → {name, title} of the chosen unit's people
  var OPTIONS_URL = '/admin/setup/options/';

  function restrict(select, allowed) {
    // keep the blank option and those of the unit; the chosen one stays when it is allowed
    var $select = $(select), value = $select.val();
    if (!$select.data('xf-all')) { $select.data('xf-all', $select.children('option').clone()); }
    var kept = $select.data('xf-all').filter(function () {
      return !this.value || this.value === '__None' || allowed.hasOwnProperty(this.value);
    }).clone();
    $select.empty().append(kept);
    $select.val(kept.filter(function () { return this.value === value; }).length ? value : '');
    if ($select.data('select2')) { $select.trigger('change.select2'); }
  }

  function filterByUnit(unitId) {
    if (!unitId || unitId === '__None') { return; }
    $.getJSON(OPTIONS_URL, {unit: unitId}).done(function (data) {
      people = {};
      peopleLoaded = true;
      (data.people || []).forEach(function (p) { people[p.id] = p; });
      var plans = {};
      (data.plans || []).forEach(function (p) { plans[p.id] = p; });
      $('form.admin-form select').each(function () {
        if (/(^|-)person$/.test(this.name)) { restrict(this, people); }
        if (this.name === 'plan') { restrict(this, plans); }
      });
      $(document).trigger('xf:people', [data.people || []]);
      $('textarea[name$="-leaders"]').each(function () { offerLeaders(this); });
    });
  }

  // 接访领导 of a rule: chosen from the unit's people (the lines stay editable: 院长, 轮流 …)
  function offerLeaders(textarea) {
    var $area = $(textarea);
    var $pick = $area.siblings('select.xf-leader-pick');
    if (!$pick.length) {
      $pick = $('<select class="form-control form-control-sm xf-leader-pick mt-1"></select>');
      $area.after($pick);
    }
    $pick.empty().append($('<option value="">').text('＋ 从本单位人员中选择接访领导'));
    Object.keys(people).forEach(function (id) {
      var p = people[id];
      $pick.append($('<option>').val(p.name).text(p.title ? p.name + '（' + p.title + '）' : p.name));
    });
  }
  $(document).on('change', 'select.xf-leader-pick', function () {
    if (!this.value) { return; }
    var $area = $(this).siblings('textarea');
    var lines = $area.val().split('\n').filter(function (l) { return l.trim(); });
    if (lines.indexOf(this.value) < 0) { lines.push(this.value); }
    $area.val(lines.join('\n'));
    this.value = '';
  });

  function unitChanged(unitId) {
    filterByUnit(unitId);
    if (!/\/new\/?$/.test(window.location.pathname)) { return; }
    // the unit's own fields (x__…): the create form for that unit, fetched, its fields swapped in
    var params = new URLSearchParams(window.location.search);
    params.set('unit', unitId);
    $.get(window.location.pathname + '?' + params.toString()).done(function (html) {
      var fresh = new DOMParser().parseFromString(html, 'text/html');
      var $form = $('form.admin-form');
      $form.find('[name^="x__"]').closest('.form-group').remove();
      var groups = $(fresh).find('form.admin-form [name^="x__"]').closest('.form-group');
      var $anchor = $form.find('.form-buttons, input[type="submit"]').first();
      $anchor = $anchor.closest('.form-group, .form-buttons, hr').length ?
        $anchor.closest('.form-group, .form-buttons') : $anchor;
      var $hr = $anchor.prevAll('hr').first();
      groups.each(function () {
        var node = document.importNode(this, true);
        if ($hr.length) { $hr.before(node); } else { $anchor.before(node); }
      });
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, '', window.location.pathname + '?' + params.toString());
      }
    });
  }
})(jQuery);
