/* xinfang: reorder rows of the nested lists, reload the create form for the chosen unit, and the
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
      var $input = $row.find('[name="' + match[1] + setting + '"], [id="' + match[1] + setting + '"]');
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

  $(function () {
    $('select[name$="-type"]').each(function () { showSettingsFor(this); });
    addMoveButtons(document);
    // rows added with Flask-Admin's "add" button get their buttons too
    var observer = new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        $(change.addedNodes).filter('.inline-field').each(function () {
          addMoveButtons(this);
          $(this).find('select[name$="-type"]').each(function () { showSettingsFor(this); });
        });
      });
    });
    $('.inline-field-list').each(function () {
      observer.observe(this, {childList: true});
    });

    // On a create form, the chosen unit decides which of its own fields the form has.
    if (/\/new\/?$/.test(window.location.pathname)) {
      $('form.admin-form select#unit').on('change', function () {
        var params = new URLSearchParams(window.location.search);
        if (params.get('unit') === this.value) { return; }
        params.set('unit', this.value);
        window.location.search = params.toString();
      });
    }
  });
})(jQuery);
