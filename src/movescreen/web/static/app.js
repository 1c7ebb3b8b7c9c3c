// movescreen web app: progress polling, drag-and-drop uploads, in-browser recording.
// Plain JavaScript, no libraries, no network beyond this server.
"use strict";

function poll(el) {
  const url = el.dataset.poll;
  const timer = setInterval(async () => {
    const res = await fetch(url, { credentials: "same-origin" });
    if (!res.ok) { clearInterval(timer); return; }
    el.innerHTML = await res.text();
    if (el.querySelector("[data-final]")) {
      clearInterval(timer);
      if (el.id === "progress") location.reload();
    }
  }, 2000);
}

function send(form, data, status) {
  const xhr = new XMLHttpRequest();
  xhr.open("POST", form.action);
  xhr.upload.onprogress = (e) => {
    if (e.lengthComputable) status.textContent = `Uploading ${Math.round(100 * e.loaded / e.total)}%`;
  };
  xhr.onload = () => {
    if (xhr.status < 300) { location.href = xhr.responseURL || location.href; return; }
    const doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
    const err = doc.querySelector(".error");
    status.textContent = err ? err.textContent : `Upload failed (${xhr.status}).`;
    status.className = "error-text";
  };
  xhr.onerror = () => { status.textContent = "Upload failed: the server could not be reached."; };
  status.textContent = "Uploading…";
  xhr.send(data);
}

function uploader(form) {
  const picked = [];
  const queue = form.querySelector("#queue");
  const rows = queue.querySelector("tbody");
  const defaults = form.querySelector("#defaults");
  const status = form.querySelector("#upload-progress");
  const add = (files) => {
    for (const f of files) {
      picked.push(f);
      const row = form.querySelector("#row").content.firstElementChild.cloneNode(true);
      row.querySelector(".name").textContent = f.name;
      rows.appendChild(row);
    }
    queue.hidden = picked.length === 0;
    defaults.hidden = picked.length > 0;
    defaults.querySelectorAll("select").forEach((s) => { s.disabled = picked.length > 0; });
  };
  const input = form.querySelector("#files");
  input.addEventListener("change", () => { add(input.files); input.value = ""; });
  const drop = form.querySelector("#drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault(); drop.classList.remove("over"); add(e.dataTransfer.files);
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!picked.length) { status.textContent = "Choose or drop at least one clip."; return; }
    const data = new FormData(form);
    data.delete("files");
    picked.forEach((f) => data.append("files", f, f.name));
    send(form, data, status);
  });
}

function drawGuide(canvas, video) {
  canvas.width = video.videoWidth; canvas.height = video.videoHeight;
  const g = canvas.getContext("2d"), w = canvas.width, h = canvas.height;
  g.clearRect(0, 0, w, h);
  g.strokeStyle = "rgba(0, 220, 120, 0.9)"; g.lineWidth = Math.max(2, w / 300);
  g.strokeRect(w * 0.3, h * 0.05, w * 0.4, h * 0.9);  // the whole body inside, head to feet
  g.setLineDash([w / 80, w / 80]);
  g.beginPath(); g.moveTo(w / 2, h * 0.05); g.lineTo(w / 2, h * 0.95); g.stroke();
  g.setLineDash([]);
  g.beginPath(); g.moveTo(w * 0.3, h * 0.88); g.lineTo(w * 0.7, h * 0.88); g.stroke();
  g.fillStyle = "rgba(0, 220, 120, 0.9)"; g.font = `${Math.round(h / 30)}px sans-serif`;
  g.fillText("feet on this line", w * 0.31, h * 0.87);
}

function recorder(form) {
  const video = document.getElementById("camera");
  const canvas = document.getElementById("guide");
  const on = document.getElementById("cam-on"), rec = document.getElementById("rec");
  const stop = document.getElementById("stop"), state = document.getElementById("rec-state");
  let media = null, chunks = [];
  on.addEventListener("click", async () => {
    if (!navigator.mediaDevices) { state.textContent = "This browser cannot use the camera here (HTTPS or localhost is needed)."; return; }
    try {
      const stream = await navigator.mediaDevices.getUserMedia(
        { video: { facingMode: "environment", width: 1280, height: 720 }, audio: false });
      video.srcObject = stream; await video.play();
      drawGuide(canvas, video); rec.disabled = false; on.disabled = true;
    } catch (err) { state.textContent = `No camera: ${err.message}`; }
  });
  rec.addEventListener("click", () => {
    const type = ["video/webm;codecs=vp9", "video/webm", "video/mp4"].find((t) => MediaRecorder.isTypeSupported(t));
    media = new MediaRecorder(video.srcObject, type ? { mimeType: type } : {});
    chunks = [];
    media.ondataavailable = (e) => { if (e.data.size) chunks.push(e.data); };
    media.onstop = () => {
      const kind = media.mimeType.includes("mp4") ? "mp4" : "webm";
      const data = new FormData();
      data.append("csrf", form.querySelector("input[name=csrf]").value);
      data.append("files", new Blob(chunks, { type: media.mimeType }), `recording.${kind}`);
      data.append("test", document.getElementById("rec-test").value);
      data.append("leg", document.getElementById("rec-leg").value);
      data.append("date", form.querySelector("input[name=date]").value);
      send(form, data, state);
    };
    media.start(); rec.disabled = true; stop.disabled = false; state.textContent = "Recording…";
  });
  stop.addEventListener("click", () => { media.stop(); stop.disabled = true; });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-poll]").forEach(poll);
  const form = document.getElementById("upload");
  if (form) { uploader(form); recorder(form); }
});
