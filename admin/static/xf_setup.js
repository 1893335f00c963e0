/* xinfang: the new-unit setup page. One form in steps (shown one at a time, all kept in the
   page, so nothing typed is lost going back and forth); the leadership group and the rule's
   leaders are chosen from the people pasted in step 2. */
(function ($) {
  'use strict';

  var SPLIT = /[\s,，;；]+/, PHONE = /^[0-9０-９+＋()（）\-－]{5,20}$/;
  var ROLES = ['组长', '副组长', '成员'];

  function people() {
    // the same reading as the server's (documents.onboarding.parse_people): leaders, then staff
    var result = [];
    [['leaders', true], ['staff', false]].forEach(function (pair) {
      ($('#' + pair[0]).val() || '').split('\n').forEach(function (line) {
        var tokens = line.trim().split(SPLIT).filter(Boolean);
        if (!tokens.length) { return; }
        if (tokens.length > 1 && PHONE.test(tokens[tokens.length - 1])) { tokens.pop(); }
        result.push({name: tokens[0], title: tokens.slice(1).join(''), leader: pair[1]});
      });
    });
    return result;
  }

  var chosenRoles = {};  // name → role the person chose, kept when the list is edited

  function renderMembers() {
    var list = people(), $body = $('#xf-members tbody').empty();
    var leaders = list.filter(function (p) { return p.leader; });
    if (!list.length) {
      $body.append($('<tr class="xf-empty"><td colspan="3" class="text-muted"></td></tr>')
        .find('td').text('请先在第 2 步填写人员名单。').end());
    }
    list.forEach(function (person, n) {
      var role = chosenRoles.hasOwnProperty(person.name) ? chosenRoles[person.name] :
        (person.leader ? (leaders[0] === person ? '组长' : '副组长') : '');
      var $select = $('<select class="form-control form-control-sm xf-member-role">')
        .attr('name', 'member-' + n).attr('data-name', person.name);
      $select.append($('<option value="">').text('不参加'));
      ROLES.forEach(function (r) { $select.append($('<option>').val(r).text(r)); });
      $select.val(role);
      $body.append($('<tr>').append($('<td>').text(person.name), $('<td>').text(person.title),
        $('<td>').append($select)));
    });
    // 办公室主任: one of the people
    var $director = $('#group-office_director');
    var current = $director.val() || $director.attr('data-value') || '';
    $director.empty().append($('<option value="">').text('—'));
    list.forEach(function (p) {
      $director.append($('<option>').val(p.name).text(p.title ? p.name + '（' + p.title + '）' : p.name));
    });
    $director.val(current);
    // the rule's leaders: check boxes of the leaders
    var $box = $('#xf-rule-leaders');
    var checked = $box.find('input:checked').map(function () { return this.value; }).get();
    if (!$box.data('xf-ready')) {  // as sent back after a problem
      checked = ($box.attr('data-values') || '').split('\n').filter(Boolean);
      $box.data('xf-ready', true);
    }
    if (!ruleTouched && !checked.length && leaders.length) { checked = [leaders[0].name]; }
    $box.empty();
    if (!leaders.length) {
      $box.append($('<span class="text-muted small">').text('请先在第 2 步填写领导名单。'));
    }
    leaders.forEach(function (p, n) {
      var id = 'rule-leader-' + n;
      $box.append($('<div class="form-check form-check-inline">').append(
        $('<input class="form-check-input" type="checkbox" name="rule-leaders">').attr('id', id)
          .val(p.name).prop('checked', checked.indexOf(p.name) >= 0),
        $('<label class="form-check-label">').attr('for', id)
          .text(p.title ? p.name + '（' + p.title + '）' : p.name)));
    });
  }

  var ruleTouched = false;  // the person chose the rule's leaders: no proposal any more
  $(document).on('change', '#xf-rule-leaders input', function () { ruleTouched = true; });
  $(document).on('change', '.xf-member-role', function () {
    chosenRoles[this.getAttribute('data-name')] = this.value;
  });
  $(document).on('input change', '#leaders, #staff', renderMembers);

  // the steps: one shown at a time
  var current = 1, last = 6;
  function show(step) {
    current = Math.max(1, Math.min(last, step));
    $('.xf-step').each(function () { $(this).toggle(+this.getAttribute('data-step') === current); });
    $('#xf-steps .nav-link').each(function () {
      $(this).toggleClass('active', +this.getAttribute('data-xf-step') === current);
    });
    $('.xf-prev').prop('disabled', current === 1);
    $('.xf-next').toggle(current < last);
    window.scrollTo(0, 0);
  }
  $(document).on('click', '[data-xf-step]', function (event) {
    event.preventDefault();
    show(+this.getAttribute('data-xf-step'));
  });
  $(document).on('click', '.xf-next', function () { show(current + 1); });
  $(document).on('click', '.xf-prev', function () { show(current - 1); });
  // a required field left empty in a hidden step: show that step, so the browser can say so
  $(document).on('invalid', '#xf-setup :input', function () {
    var step = $(this).closest('.xf-step').attr('data-step');
    if (step && +step !== current) { show(+step); }
  });
  document.addEventListener('invalid', function (event) {
    var $step = $(event.target).closest('.xf-step');
    if ($step.length && +$step.attr('data-step') !== current) { show(+$step.attr('data-step')); }
  }, true);

  // the title follows the unit's name until the person writes one
  $(document).on('input', '#unit-name', function () {
    var $title = $('#plan-title');
    if (!$title.val() || $title.data('xf-auto') === $title.val()) {
      var title = this.value ? this.value + '领导干部大接访活动实施方案' : '';
      $title.val(title).data('xf-auto', title);
    }
  });
  function importShown() {
    $('.xf-import-only').toggle($('#plan-template').val() === 'import');
  }
  $(document).on('change', '#plan-template', importShown);
  // which fields the rule's kind uses
  function ruleFields() {
    var kind = $('#rule-kind').val();
    $('#rule-weekday').closest('.form-group').toggle(kind === 'weekly' || kind === 'monthly_nth_weekday');
    $('#rule-nth').closest('.form-group').toggle(kind === 'monthly_nth_weekday');
    $('#rule-day_of_month').closest('.form-group').toggle(kind === 'monthly_day');
  }
  $(document).on('change', '#rule-kind', ruleFields);

  $(function () {
    if (!$('#xf-setup').length) { return; }
    try {
      chosenRoles = JSON.parse($('#xf-members').attr('data-roles') || '{}') || {};
    } catch (e) { chosenRoles = {}; }
    renderMembers();
    importShown();
    ruleFields();
    // back with a problem: open the first step
    show(1);
  });
})(jQuery);
