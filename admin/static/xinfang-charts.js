/* xinfang: the dashboard's charts, drawn from the JSON the page carries (no inline script). */
(function () {
  'use strict';
  var source = document.getElementById('xf-chart-data');
  if (!source || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);
  var labels = document.getElementById('xf-chart-labels').dataset;
  var first = function (pair) { return pair[0]; };
  var second = function (pair) { return pair[1]; };
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  new Chart(document.getElementById('xf-months'), {type: 'bar', data: {labels: data.months,
    datasets: [{label: labels.registered, data: data.registered, backgroundColor: '#4e79a7'},
               {label: labels.resolved, data: data.resolved, backgroundColor: '#59a14f'}]},
    options: {maintainAspectRatio: false, animation: false,
              scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}});
  var palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1',
                 '#ff9da7', '#9c755f', '#bab0ac'];
  new Chart(document.getElementById('xf-sources'), {type: 'doughnut', data: {
    labels: data.sources.map(first),
    datasets: [{data: data.sources.map(second), backgroundColor: palette}]},
    options: {maintainAspectRatio: false, animation: false}});
  new Chart(document.getElementById('xf-categories'), {type: 'bar', data: {
    labels: data.categories.map(first),
    datasets: [{label: labels.count, data: data.categories.map(second),
                backgroundColor: '#f28e2b'}]},
    options: {indexAxis: 'y', maintainAspectRatio: false, animation: false,
              plugins: {legend: {display: false}},
              scales: {x: {beginAtZero: true, ticks: {precision: 0}}}}});
})();
