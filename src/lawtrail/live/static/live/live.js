/* The live page: device markers on a tile-less Leaflet map (from the polled list's data
   attributes) and the chosen stream played with hls.js. No text of its own: every word shown
   comes from the page (translated on the server). */
(function () {
  "use strict";
  var map = null, markers = {}, hls = null, fitted = false, watching = null;

  function rows() { return document.querySelectorAll("#live-device-list tr.live-device"); }

  function drawMap() {
    var box = document.getElementById("live-map");
    if (!box || typeof L === "undefined") return;
    if (!map) {
      // no tile layer: the grid background stands for the ground (nothing loaded from the internet)
      map = L.map(box, { attributionControl: false, zoomSnap: 0.5 }).setView([38.0428, 114.5149], 13);
      L.control.scale({ imperial: false }).addTo(map);
    }
    var seen = {}, points = [];
    rows().forEach(function (tr) {
      var serial = tr.dataset.serial;
      if (!tr.dataset.lat) return;
      var ll = [parseFloat(tr.dataset.lat), parseFloat(tr.dataset.lon)];
      seen[serial] = true;
      points.push(ll);
      var color = tr.dataset.streaming ? "#b00020" : "#1565c0";
      if (!markers[serial]) {
        markers[serial] = L.circleMarker(ll, { radius: 9, weight: 2, fillOpacity: 0.7 }).addTo(map);
        markers[serial].on("click", function () { var b = tr.querySelector(".live-watch"); if (b) b.click(); });
      }
      markers[serial].setLatLng(ll).setStyle({ color: color, fillColor: color });
      if (markers[serial].getTooltip()) markers[serial].setTooltipContent(tr.dataset.label);
      else markers[serial].bindTooltip(tr.dataset.label, { permanent: true, direction: "right", offset: [10, 0] });
      markers[serial].getElement() && markers[serial].getElement().setAttribute("data-serial", serial);
    });
    Object.keys(markers).forEach(function (s) {
      if (!seen[s]) { map.removeLayer(markers[s]); delete markers[s]; }
    });
    if (points.length && !fitted) {
      map.fitBounds(L.latLngBounds(points).pad(0.5), { maxZoom: 16 });
      fitted = true;
    }
    document.getElementById("live-map").dataset.markers = String(points.length);
  }

  function showError(kind) {
    var p = document.getElementById("live-player-error");
    p.textContent = p.dataset[kind];
    p.hidden = false;
  }

  function watch(button, attempt) {
    attempt = attempt || 0;
    var video = document.getElementById("live-player");
    var url = button.dataset.hls;
    document.getElementById("live-player-error").hidden = true;
    document.getElementById("live-player-name").textContent = button.dataset.title;
    watching = button.closest("tr").dataset.serial;
    markSelected();
    video.hidden = false;
    if (hls) { hls.destroy(); hls = null; }
    if (window.Hls && Hls.isSupported()) {
      hls = new Hls({ lowLatencyMode: true, liveSyncDurationCount: 2, enableWorker: false });
      hls.on(Hls.Events.ERROR, function (_e, data) {
        if (!data.fatal) return;
        // a stream just started has no playlist until nginx wrote its first fragment (a 404,
        // which hls.js does not retry): ask again for up to 30 s before saying it has ended
        var serial = button.closest("tr") && button.closest("tr").dataset.serial;
        if (data.details === Hls.ErrorDetails.MANIFEST_LOAD_ERROR && attempt < 30 && watching === serial) {
          setTimeout(function () { if (watching === serial) watch(button, attempt + 1); }, 1000);
          return;
        }
        showError("ended");
      });
      hls.loadSource(url);
      hls.attachMedia(video);
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = url;  // Safari plays HLS itself
    } else {
      showError("unsupported");
      return;
    }
    video.play().catch(function () {});
  }

  function markSelected() {
    rows().forEach(function (tr) { tr.classList.toggle("live-selected", tr.dataset.serial === watching); });
  }

  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest(".live-watch");
    if (b) watch(b);
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.target.id === "live-devices") { drawMap(); markSelected(); }
  });
  document.addEventListener("DOMContentLoaded", drawMap);
})();
