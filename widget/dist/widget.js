document.head.append(Object.assign(document.createElement("script"),{src:new URL("/widget/widget-343MRMKM.js",document.currentScript?.src||location.href)}));
